"""The check report as an officer reads it on screen, drawn with rich.

Errors (must be fixed) come before queries (may be explained). Each problem
names its cell as Excel does (``D12``), the column's own header, the value as
found (masked for identifiers), what is wrong and what to do. Long lists are
cut short with a count and a pointer to ``--report-out``. Values from the file
are shown as plain text, never interpreted as markup.
"""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from anonymiser.checking.report import CheckReport, cell_reference

DEFAULT_SHOWN = 20


def render_text(report: CheckReport, console: Console, *, shown: int = DEFAULT_SHOWN) -> None:
    """Print the whole report: how the file was read, its problems, and the summary."""
    where = f'sheet "{report.sheet}" of ' if report.sheet else ""
    period = f", period {report.period}" if report.period else ""
    console.print(
        Text(
            f"Checked {where}{report.file.name} as {report.return_type} "
            f"v{report.version}{period}; header in row {report.header_row}.",
            style="bold",
        )
    )
    console.print(_columns_table(report))
    for note in report.notes:
        console.print(Text(f"Note: {note}"))
    _print_problems(console, report, report.errors, "Errors (must be fixed)", "red", shown)
    _print_problems(console, report, report.queries, "Queries (may be explained)", "yellow", shown)
    console.print(_summary_line(report))


def _columns_table(report: CheckReport) -> Table:
    table = Table(title="Columns", title_justify="left", show_lines=False)
    for heading in ("Column", "Header in the file", "Read as"):
        table.add_column(heading)
    rows = [(m.position, m.letter, m.header, m.field) for m in report.mapping]
    rows += [
        (d.position, d.letter, d.header or "(no header)", f"dropped: {d.reason}")
        for d in report.dropped
    ]
    for _, letter, header, meaning in sorted(rows):
        table.add_row(Text(letter), Text(header), Text(meaning))
    return table


def _print_problems(
    console: Console,
    report: CheckReport,
    problems: pd.DataFrame,
    title: str,
    colour: str,
    shown: int,
) -> None:
    count = len(problems)
    console.print(Text(f"\n{title}: {count:,}", style=f"bold {colour}"))
    if count == 0:
        return
    table = Table(title=f"{report.file.name}", title_justify="left", expand=False)
    for heading in ("Cell", "Column", "Value", "Problem", "What to do"):
        table.add_column(heading, overflow="fold")
    for problem in problems.head(shown).itertuples(index=False):
        table.add_row(
            Text(cell_reference(problem.row, problem.letter)),
            Text(_text(problem.header)),
            Text(_text(problem.value)),
            Text(_text(problem.message)),
            Text(_text(problem.hint)),
        )
    console.print(table)
    if count > shown:
        console.print(
            Text(
                f"... and {count - shown:,} more {title.split()[0].lower()} not shown: write the "
                "full list with --report-out problems.csv (or problems.xlsx)."
            )
        )


def _summary_line(report: CheckReport) -> Text:
    counts = report.summary()
    parts = (
        _count(counts["rows"], "row") + " read",
        _count(counts["columns_mapped"], "column") + " mapped",
        _count(counts["columns_dropped"], "column") + " dropped",
        _count(counts["errors"], "error"),
        _count(counts["queries"], "query", "queries"),
    )
    return Text("\nSummary: " + " · ".join(parts), style="bold")


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number:,} {one if number == 1 else many or one + 's'}"


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value)
