"""Errors the anonymiser reports to a data officer.

    AnonymiserError            something the officer must act on (exit 1)
    └── UnusableInput          the input cannot be read at all (exit 2)

Messages name the file, and where it helps the row and column, and say what to
do next. They never carry an identifier's value.
"""

from __future__ import annotations


class AnonymiserError(Exception):
    """A problem the data officer can fix; the CLI prints it without a traceback."""

    exit_code = 1


class UnusableInput(AnonymiserError):
    """The file cannot be used at all: empty, not a spreadsheet, corrupt, too big."""

    exit_code = 2
