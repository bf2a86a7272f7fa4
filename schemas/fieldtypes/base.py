"""What every field type shares: one rule, read by two engines.

A field type states its rule once, as data: text :class:`Rewrite` steps, ordered
:class:`TextCheck` patterns and :class:`ValueCheck` functions on the converted values.
:mod:`schemas.fieldtypes.engine` runs the rule two ways:

* over a whole column with pyarrow compute kernels and numpy (files of a million rows);
* over one value with Python's ``re`` (single records, through marshmallow).

Both engines read the *same* objects. Patterns are written in the subset of regular
expressions that RE2 (pyarrow) and Python's ``re`` read alike: ASCII classes such as
``[0-9]`` (Python's ``\\d`` would also match Arabic-Indic digits), no look-around, and no
back-references except ``\\1`` in a replacement. The property tests in
``tests/schemas/test_type_agreement.py`` hold the two engines to the same answers.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

Severity = Literal["error", "query"]
ParsedKind = Literal["string", "float", "date"]

#: Characters trimmed from both ends of every cell: ASCII white space plus the invisible
#: characters Excel and web forms leave behind (no-break and zero-width spaces, BOM).
TRIM_CHARS = " \t\n\r\f\v\xa0\u2007\u202f\u200b\ufeff"
#: The same characters as a regular-expression class, for rewrites inside a value.
SPACE_CLASS = "[" + TRIM_CHARS + "]"


@dataclass(frozen=True)
class Failure:
    """One way a value can be wrong: a stable code, what is wrong, and what to do.

    The message and hint never quote the value: problems are shown and saved, and the
    value may be personal data.
    """

    code: str
    message: str
    hint: str
    severity: Severity = "error"


@dataclass(frozen=True)
class ParseContext:
    """What a run declares that changes what is acceptable."""

    rehearsal: bool = False


@dataclass(frozen=True)
class Rewrite:
    """A regular-expression substitution applied to every occurrence, in both engines."""

    pattern: str
    replacement: str = ""
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_regex", re.compile(self.pattern))

    def column(self, values: pa.Array) -> pa.Array:
        """Rewrite a whole string column (nulls stay null)."""
        # Finding is three times quicker than replacing, and clean columns need neither.
        if not pc.any(pc.match_substring_regex(values, pattern=self.pattern)).as_py():
            return values
        return pc.replace_substring_regex(
            values, pattern=self.pattern, replacement=self.replacement
        )

    def one(self, value: str) -> str:
        """Rewrite one value."""
        return self._regex.sub(self.replacement, value)


@dataclass(frozen=True)
class Pattern:
    """A regular expression the whole value must match, in both engines."""

    regex: str
    _compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", re.compile(self.regex))

    def column(self, values: pa.Array) -> np.ndarray:
        """Boolean mask: which values match (nulls do not)."""
        matched = pc.match_substring_regex(values, pattern=f"^(?:{self.regex})$")
        return np.asarray(pc.fill_null(matched, False).to_numpy(zero_copy_only=False), dtype=bool)

    def one(self, value: str) -> bool:
        """Whether one value matches."""
        return self._compiled.fullmatch(value) is not None

    def groups_one(self, value: str) -> dict[str, str | None] | None:
        """The named groups of one value's match, or ``None`` when it does not match."""
        found = self._compiled.fullmatch(value)
        return None if found is None else found.groupdict()


@dataclass(frozen=True)
class TextCheck:
    """A check on the normalised text: fail when the pattern does (or does not) match."""

    failure: Failure
    pattern: Pattern
    fails_on_match: bool = False


@dataclass(frozen=True)
class ValueCheck:
    """A check on converted values, written once as a function over a pyarrow array.

    ``fails`` receives the values still valid (no nulls) and returns a boolean numpy mask;
    the single-value engine calls it with a one-element array.
    """

    failure: Failure
    fails: Callable[[pa.Array, ParseContext], np.ndarray]


@dataclass
class ColumnOutcome:
    """A parsed column: typed values (missing where invalid) and one mask per failure.

    Text values may be left as a pyarrow string array: the engine turns them into Python
    strings, reusing the cells' own string objects wherever nothing changed.
    """

    values: np.ndarray | pa.Array
    failures: dict[Failure, np.ndarray]

    def numpy_values(self) -> np.ndarray:
        """The values as a numpy array (text as an object array, None where missing)."""
        if isinstance(self.values, pa.Array):
            return np.array(self.values.to_numpy(zero_copy_only=False), dtype=object)
        return self.values


@dataclass(frozen=True)
class ValueOutcome:
    """One parsed value: the typed value, or the failure that stopped it."""

    value: Any = None
    failure: Failure | None = None
    missing: bool = False


def flag(values: pa.Array) -> np.ndarray:
    """A pyarrow boolean array as a numpy mask, null counting as false."""
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def ascii_upper(value: str) -> str:
    """Upper-case ASCII letters only, as :func:`pyarrow.compute.ascii_upper` does."""
    return value.translate(_ASCII_UPPER)


def ascii_lower(value: str) -> str:
    """Lower-case ASCII letters only, as :func:`pyarrow.compute.ascii_lower` does."""
    return value.translate(_ASCII_LOWER)


_LOWER = "abcdefghijklmnopqrstuvwxyz"
_ASCII_UPPER = str.maketrans(_LOWER, _LOWER.upper())
_ASCII_LOWER = str.maketrans(_LOWER.upper(), _LOWER)


class FieldType(ABC):
    """A domain type: how a cell is normalised, checked and converted.

    Subclasses implement :meth:`parse_column` (vectorised) and :meth:`parse_one` (one value)
    from the same declared pieces. Both receive trimmed, non-empty text; blanks and
    spreadsheet errors are dealt with by the engine before the type sees them.
    """

    #: Short name shown to officers and in the policy document, e.g. ``"nhs_number"``.
    name: str
    #: The numpy form of parsed values: strings (object), float64 or datetime64[ns].
    parsed_kind: ParsedKind = "string"
    #: What the type is, for the schema table and the docs.
    summary: str = ""
    #: Forms accepted, for the docs and the CLI (``1,234.56``, ``(12.50)``, ...).
    accepts: tuple[str, ...] = ()

    @property
    def failures(self) -> tuple[Failure, ...]:
        """Every failure this type can report."""
        return ()

    @property
    def codes(self) -> Mapping[str, str] | None:
        """The code list (code -> label) for code types; ``None`` otherwise."""
        return None

    def strict(self) -> FieldType:
        """The form this type takes in the shared view (already normalised values)."""
        return self

    @abstractmethod
    def parse_column(self, values: pa.Array, context: ParseContext) -> ColumnOutcome:
        """Parse a column of trimmed strings (null where blank)."""

    @abstractmethod
    def parse_one(self, value: str, context: ParseContext) -> ValueOutcome:
        """Parse one trimmed, non-empty string."""

    @abstractmethod
    def json_schema(self) -> dict[str, Any]:
        """The JSON Schema of a normalised value (the shared view's form)."""

    def to_json(self, value: Any) -> Any:
        """A parsed value as it is written in JSON."""
        return value

    def describe(self) -> str:
        """A short label for the schema table (the summary says more)."""
        return self.name
