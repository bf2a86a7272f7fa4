"""Check an export before it becomes a return, and report what to fix in the officer's own terms.

check_return(path, schema, CheckOptions(...)) -> CheckReport
render_text(report, console)          # the on-screen report (rich)
report_document(report) -> dict       # the --json document
write_problem_list(report, path)      # every problem as .csv or .xlsx
"""

from __future__ import annotations

from anonymiser.checking.check import CheckOptions, check_return
from anonymiser.checking.document import error_document, report_document
from anonymiser.checking.export import write_problem_list
from anonymiser.checking.report import PROBLEM_COLUMNS, CheckReport
from anonymiser.checking.text import render_text

__all__ = [
    "PROBLEM_COLUMNS",
    "CheckOptions",
    "CheckReport",
    "check_return",
    "error_document",
    "render_text",
    "report_document",
    "write_problem_list",
]
