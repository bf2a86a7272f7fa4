"""Find one kind of identifier in a column's distinct values: a fast prefilter, then the exact rule.

A :class:`Detector` runs in three steps, each on fewer values than the one before:

1. the *prefilter*, a regular expression Arrow's RE2 engine runs over every value
   at once (about ten million values a second): it passes every value that could
   hold the identifier, and in typical text almost nothing else;
2. the *pattern*, Python's ``re`` over the passed values only: the same shape plus
   what must not come before or after it (a longer digit run, a letter);
3. the *rule*, over all matches at once: a check digit, a real calendar date.

Every match that survives is a hit, with a masked rendering that never shows the
identifier itself.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Columns of the hits a detector finds among distinct values.
VALUE_HIT_COLUMNS = ("value", "offset", "end", "kind", "masked")

Match = re.Match[str]
Rule = Callable[[Sequence[Match]], np.ndarray]


def each(predicate: Callable[[Match], bool]) -> Rule:
    """A rule that checks matches one at a time (for rules that are cheap and rarely run)."""

    def rule(matches: Sequence[Match]) -> np.ndarray:
        return np.fromiter((predicate(match) for match in matches), dtype=bool, count=len(matches))

    return rule


def _every_match(matches: Sequence[Match]) -> np.ndarray:
    return np.ones(len(matches), dtype=bool)


@dataclass(frozen=True)
class Detector:
    """One kind of identifier: how to spot it fast, match it exactly, check it and mask it."""

    kind: str
    prefilter: str  # RE2 syntax, flags only in groups (?i:...); passes all the pattern could match
    pattern: str  # Python syntax; may look behind and ahead
    mask: Callable[[Match], str]
    rule: Rule = field(default=_every_match)
    flags: re.RegexFlag = re.NOFLAG

    @functools.cached_property
    def compiled(self) -> re.Pattern[str]:
        """The exact pattern, compiled once."""
        return re.compile(self.pattern, self.flags)

    def find(self, values: pa.Array) -> pd.DataFrame:
        """Hits among distinct values: which value, where in it (from offset to end), the kind
        and the masked text."""
        candidates = passing(values, self.prefilter)
        if not len(candidates):
            return empty_value_hits()
        owners: list[int] = []
        matches: list[Match] = []
        texts = values.take(pa.array(candidates)).to_pylist()
        for owner, text in zip(candidates.tolist(), texts, strict=True):
            for match in self.compiled.finditer(text):
                owners.append(owner)
                matches.append(match)
        kept = self.rule(matches) if matches else np.zeros(0, dtype=bool)
        found = [match for match, keep in zip(matches, kept, strict=True) if keep]
        return pd.DataFrame(
            {
                "value": np.asarray(owners, dtype=np.int64)[kept],
                "offset": np.fromiter((m.start() for m in found), dtype=np.int64, count=len(found)),
                "end": np.fromiter((m.end() for m in found), dtype=np.int64, count=len(found)),
                "kind": self.kind,
                "masked": [self.mask(match) for match in found],
            },
            columns=list(VALUE_HIT_COLUMNS),
        )


def any_prefilter(detectors: Sequence[Detector]) -> str:
    """One RE2 pattern passing what any of the detectors' prefilters would pass."""
    return "|".join(f"(?:{detector.prefilter})" for detector in detectors)


def passing(values: pa.Array, prefilter: str) -> np.ndarray:
    """Positions of the values the prefilter passes."""
    passed = pc.fill_null(pc.match_substring_regex(values, prefilter), False)
    return np.flatnonzero(passed.to_numpy(zero_copy_only=False))


def empty_value_hits() -> pd.DataFrame:
    """No hits, with the right columns and types."""
    return pd.DataFrame(
        {
            "value": pd.Series(dtype=np.int64),
            "offset": pd.Series(dtype=np.int64),
            "end": pd.Series(dtype=np.int64),
            "kind": pd.Series(dtype=object),
            "masked": pd.Series(dtype=object),
        }
    )


def as_text_array(values: np.ndarray | pd.Index | pd.Series) -> pa.Array:
    """Cell values as an Arrow string array: missing cells null, numbers and the like as text."""
    if isinstance(values, pd.Series | pd.Index) and isinstance(values.dtype, pd.ArrowDtype):
        arrow = pa.array(values.array)  # text already in Arrow: taken as it is
        if isinstance(arrow, pa.ChunkedArray):
            arrow = arrow.combine_chunks()
        if pa.types.is_string(arrow.type) or pa.types.is_large_string(arrow.type):
            return arrow.cast(pa.large_string())
    objects = np.asarray(values, dtype=object)
    try:
        return pa.array(objects, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        text = [_as_text(value) for value in objects]
        return pa.array(text, type=pa.large_string())


def _as_text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    return None if pd.isna(value) else str(value)  # type: ignore[call-overload]
