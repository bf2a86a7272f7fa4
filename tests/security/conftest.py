"""The attack suite's fixtures, and its summary: ``tests/benchmarks/results/security.json``.

Each ``test_security_<check>.py`` file is one check. Tests tell the summary how many
attack cases they tried and what they found through the ``security`` fixture; every
test's outcome is collected from its report (``pytest_runtest_logreport``). The summary
travels on the report's ``user_properties``, so it works under xdist too: each process
that ran security tests merges its counts into the file at the end of its session, under
a file lock, keyed by the run's id (xdist's ``testrunuid``, shared by all workers of one
run), so one run's workers add up and a later run starts the file afresh. Nothing is
written when no security test ran.
"""

from __future__ import annotations

import fcntl
import json
import platform
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.exchange.conftest import (  # noqa: F401 - fixtures, registered by import
    app,
    app_with,
    client,
    database_url,
    hub,
    postgres_template,
    runner,
    sqlite_template,
)

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "tests" / "benchmarks" / "results" / "security.json"
PREFIX = "test_security_"
_PROPERTY = "security"
_COLLECTED: dict[str, dict[str, Any]] = {}
_RUN = {"id": uuid.uuid4().hex}


class SecurityRecord:
    """What one test tried and found, for the summary (kept on the test's report)."""

    def __init__(self, item: pytest.Item) -> None:
        self.item = item
        self.data: dict[str, Any] = {"cases": 0, "findings": [], "notes": []}
        item.user_properties.append((_PROPERTY, self.data))

    def cases(self, count: int = 1) -> None:
        """Count attack cases tried (requests sent, inputs fuzzed)."""
        self.data["cases"] += count

    def finding(self, text: str) -> None:
        """Record a weakness found (the test should then fail, or explain why not)."""
        self.data["findings"].append(text)

    def note(self, text: str) -> None:
        """Record a fact worth reading beside the counts (what was measured, a limit)."""
        self.data["notes"].append(text)


@pytest.fixture
def security(request: pytest.FixtureRequest) -> Iterator[SecurityRecord]:
    """The test's entry in the security summary."""
    return SecurityRecord(request.node)


def check_name(nodeid: str) -> str | None:
    """The check a test belongs to: its file's name after ``test_security_``."""
    path = nodeid.split("::", 1)[0]
    stem = Path(path).stem
    if "tests/security/" not in path.replace("\\", "/") or not stem.startswith(PREFIX):
        return None
    return stem[len(PREFIX) :]


def _blank() -> dict[str, Any]:
    return {"tests": 0, "passed": 0, "failed": 0, "skipped": 0, "cases": 0,
            "findings": [], "notes": [], "not_run": []}  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    # xdist registers it; runs with ``-p no:xdist`` need it known too (--strict-markers).
    config.addinivalue_line("markers", "xdist_group(name): run the group in one xdist worker")
    worker = getattr(config, "workerinput", None)
    if worker is not None:
        _RUN["id"] = str(worker.get("testrunuid", _RUN["id"]))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    check = check_name(report.nodeid)
    if check is None:
        return
    entry = _COLLECTED.setdefault(check, _blank())
    recorded = [value for name, value in report.user_properties if name == _PROPERTY]
    if report.when == "call" or (report.when == "setup" and not report.passed):
        entry["tests"] += 1
        if report.passed:
            entry["passed"] += 1
        elif report.skipped:
            entry["skipped"] += 1
            reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else "skipped"
            entry["not_run"].append(f"{report.nodeid.split('::', 1)[-1]}: {reason}")
        else:
            entry["failed"] += 1
    elif report.when == "teardown" and report.failed:
        entry["failed"] += 1
    if report.when == "teardown":
        for data in recorded:
            entry["cases"] += data["cases"]
            entry["findings"].extend(data["findings"])
            entry["notes"].extend(data["notes"])


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _COLLECTED:
        return
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    lock = RESULTS.with_name(".security.lock")
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        try:
            previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        except json.JSONDecodeError:
            previous = {}
        same_run = previous.get("run") == _RUN["id"]
        checks: dict[str, dict[str, Any]] = previous.get("checks", {}) if same_run else {}
        for name, entry in _COLLECTED.items():
            merged = checks.setdefault(name, _blank())
            for key in ("tests", "passed", "failed", "skipped", "cases"):
                merged[key] += entry[key]
            for key in ("findings", "notes", "not_run"):
                merged[key] = sorted(set(merged[key]) | set(entry[key]))
        for merged in checks.values():
            merged["status"] = _status(merged)
        summary = {
            "suite": "tests/security (make security)",
            "run": _RUN["id"],
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "totals": {
                key: sum(c[key] for c in checks.values())
                for key in ("tests", "passed", "failed", "skipped", "cases")
            },
            "findings": sum(len(c["findings"]) for c in checks.values()),
            "checks": dict(sorted(checks.items())),
        }
        RESULTS.write_text(json.dumps(summary, indent=2, sort_keys=False) + "\n")
        fcntl.flock(held, fcntl.LOCK_UN)


def _status(entry: dict[str, Any]) -> str:
    if entry["failed"]:
        return "failed"
    if entry["passed"] == 0:
        reasons = "; ".join(entry["not_run"]) or "no test ran"
        return f"not run: {reasons}"
    if entry["skipped"]:
        return "passed (some cases not run)"
    return "passed"
