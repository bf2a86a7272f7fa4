"""What prepare tells the officer: progress lines, the --json documents, the --preview text,
and a refusal to sign a return that fails the risk check."""

from __future__ import annotations

import io
import threading
from pathlib import Path

from rich.console import Console

from anonymiser.prepare.progress import BarSteps

LEICESTERSHIRE = "E10000018"


def test_a_return_that_fails_the_risk_check_is_never_signed(
    cli, region, keyrings, tmp_path: Path
) -> None:
    """When remediation cannot reach k, exit 1 with the figures and no file at all."""
    out = tmp_path / "out"
    out.mkdir()
    export = region.export(LEICESTERSHIRE)
    result = cli.prepare(export, keyrings[LEICESTERSHIRE], out / "x.return", "--k-threshold", 500)
    assert result.exit_code == 1
    document = cli.printed(result)
    assert document["error"]["kind"] == "RiskCheckFailed"
    assert document["risk"]["passed"] is False
    assert document["risk"]["k_threshold"] == 500
    assert list(out.iterdir()) == []


def test_the_json_documents_have_a_fixed_shape(cli, region, keyrings, tmp_path: Path) -> None:
    """Success and failure documents carry the members scripts rely on."""
    export = region.export(LEICESTERSHIRE)
    made = cli.prepare(export, keyrings[LEICESTERSHIRE], tmp_path / "x.return")
    document = cli.printed(made)
    assert set(document) == {
        "ok",
        "return",
        "manifest_sha256",
        "manifest",
        "preview",
        "risk",
        "timings",
    }
    assert document["ok"] is True
    assert document["risk"]["passed"] is True
    assert Path(document["preview"]["html"]).name == "x.preview.html"
    assert document["manifest"]["authority"] == LEICESTERSHIRE
    refused = cli.printed(cli.prepare(export, keyrings[LEICESTERSHIRE], tmp_path / "y.return"))
    assert set(refused) == {"ok", "error"}
    assert set(refused["error"]) == {"kind", "message", "exit_code"}


def test_progress_is_plain_lines_on_standard_error_when_not_at_a_terminal(
    cli, region, keyrings, tmp_path: Path
) -> None:
    """Without a terminal each step is one line on stderr; stdout says what was written."""
    export = region.export(LEICESTERSHIRE)
    result = cli.prepare(export, keyrings[LEICESTERSHIRE], tmp_path / "x.return", as_json=False)
    assert result.exit_code == 0, result.output
    steps = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert steps[0].startswith("[1/9] Reading")
    assert steps[-1].startswith("[9/9] Signing")
    assert "Note: column" in result.stderr  # the export's unknown column is reported
    assert "Wrote" in result.stdout
    assert "x.preview.html" in result.stdout


def test_the_preview_option_prints_the_preview(cli, region, keyrings, tmp_path: Path) -> None:
    """--preview shows the fields, the risk and the manifest before the summary line."""
    export = region.export(LEICESTERSHIRE)
    result = cli.prepare(
        export, keyrings[LEICESTERSHIRE], tmp_path / "x.return", "--preview", as_json=False
    )
    assert result.exit_code == 0, result.output
    for heading in ("What happens to each field", "Re-identification risk", "Manifest"):
        assert heading in result.stdout


def test_the_terminal_progress_bar_starts_no_thread() -> None:
    """At a terminal the bar is redrawn between steps only: no refresh thread runs, so the
    pseudonymiser may fork its workers safely."""
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=100)
    steps = BarSteps(2, console)
    with steps.step("Reading"):
        inside = threading.active_count()
    with steps.step("Validating"):
        pass
    steps.close()
    assert inside == 1
    assert set(steps.timings) == {"Reading", "Validating"}
    assert "Reading" in screen.getvalue()
