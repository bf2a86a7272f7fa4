"""Interrupting prepare (Ctrl-C, kill, kill -9) never leaves a partial .return file.

Each test runs the installed ``anonymiser prepare`` in a child process on a 60,000-row
export, so the run lasts long enough to be interrupted in the middle.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from anonymiser.prepare.errors import Interrupted
from anonymiser.prepare.interrupts import interrupts_raise, raise_if_interrupted, signals_deferred
from anonymiser.preview.returned import local_trust_store
from anonymiser.synth import write_export
from keys import verify_return

AUTHORITY = "E10000007"
ROWS = 60_000
ANONYMISER = Path(sys.executable).with_name("anonymiser")
KNOWN = {"placements": {1}, "supplier_spend": {1}}


@pytest.fixture(scope="session")
def large_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean 60,000-row placements export."""
    path = tmp_path_factory.mktemp("large") / "placements.csv"
    write_export(
        path,
        return_type="placements",
        authority=AUTHORITY,
        rows=ROWS,
        seed=2026,
        period="2026-Q2",
        fmt="csv",
        mess=False,
    )
    return path


def _start(
    large_export: Path, keyring: Path, output: Path, suppliers: Path, period: str = "2026-Q2"
) -> subprocess.Popen:
    args = [
        str(ANONYMISER), "prepare", str(large_export), "--type", "placements",
        "--period", period, "--rehearsal", "--keyring", str(keyring),
        "--suppliers", str(suppliers), "-o", str(output),
    ]  # fmt: skip
    return subprocess.Popen(
        args, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def _wait_for(folder: Path, fragment: str, process: subprocess.Popen, limit: float = 60) -> bool:
    """Wait until a file whose name holds ``fragment`` appears (False if the run ended)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        with os.scandir(folder) as entries:
            if any(fragment in entry.name for entry in entries):
                return True
        time.sleep(0.001)
    return False


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".return", ".partial")))


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_kill_or_ctrl_c_mid_run_leaves_no_return_and_no_temporary_files(
    large_export, keyrings, suppliers_file, tmp_path: Path, signum: signal.Signals
) -> None:
    """SIGTERM or SIGINT while the payload is written: exit 130, nothing left behind.

    The run is frozen (SIGSTOP) the moment its payload file appears, and signalled only if
    it is still before signing; the signal takes effect when it is let go (SIGCONT). A
    busy machine can otherwise see the file late and signal a run that has finished."""
    output = tmp_path / "out" / "large.return"
    output.parent.mkdir()
    for _ in range(5):
        process = _start(large_export, keyrings[AUTHORITY], output, suppliers_file)
        assert _wait_for(output.parent, "payload.partial", process)
        process.send_signal(signal.SIGSTOP)
        if not any(name.endswith(".return") or "return.partial" in name
                   for name in os.listdir(output.parent)):  # fmt: skip
            break
        process.send_signal(signal.SIGCONT)  # already signing: this run proves nothing
        process.communicate(timeout=60)
        for name in os.listdir(output.parent):
            (output.parent / name).unlink()
    else:
        pytest.fail("five runs were all past their payload when frozen")
    process.send_signal(signum)
    process.send_signal(signal.SIGCONT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Interrupted" in stderr
    assert "Traceback" not in stderr
    assert _leftovers(output.parent) == []
    assert not (tmp_path / "ledger" / "prepared-returns.json").exists()


def test_kill_9_at_any_moment_never_leaves_a_partial_return(
    large_export, keyrings, suppliers_file, tmp_path: Path
) -> None:
    """SIGKILL cannot be caught: still, a .return is either absent or whole and verified."""
    output = tmp_path / "out" / "large.return"
    output.parent.mkdir()
    interrupted = 0
    for fragment in ("payload.partial", "return.partial", "preview.partial"):
        process = _start(large_export, keyrings[AUTHORITY], output, suppliers_file)
        caught = _wait_for(output.parent, fragment, process)
        process.kill()
        process.communicate(timeout=60)
        if output.exists():
            trust = local_trust_store(keyrings[AUTHORITY])
            verify_return(output, trust=trust, known_schemas=KNOWN, now=datetime.now(UTC))
            output.unlink()
        else:
            interrupted += caught
    assert interrupted >= 1
    # A killed run may have recorded 2026-Q2 already; the next period is free either way.
    finished = _start(large_export, keyrings[AUTHORITY], output, suppliers_file, "2026-Q3")
    _, stderr = finished.communicate(timeout=120)
    assert finished.returncode == 0, stderr
    assert _leftovers(output.parent) == ["large.return"]


def test_a_signal_whose_exception_a_library_swallowed_still_stops_the_run() -> None:
    """The handler's exception can be raised inside code that drops exceptions (pandas
    comparing dtypes did); the signal is recorded and honoured at the next check."""
    with interrupts_raise():
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)  # the handler runs here, and its exception is dropped below
        except Exception:  # noqa: S110 - the library's behaviour under test
            pass
        with pytest.raises(Interrupted, match="SIGTERM"):
            raise_if_interrupted()


def test_a_signal_during_the_commit_waits_until_it_is_done() -> None:
    """Inside signals_deferred a signal only records; the block finishes, then it raises."""
    finished: list[bool] = []

    def commit() -> None:
        with signals_deferred():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
            finished.append(True)

    with interrupts_raise(), pytest.raises(Interrupted, match="Ctrl-C"):
        commit()
    assert finished == [True]
