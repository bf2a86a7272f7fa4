"""Columns of finance references, where bare digit runs pass for NHS or phone numbers by chance.

A finance system numbers its documents: ``5100123456``, ``INV0123456789``. One random
ten-digit number in eleven passes the NHS number's modulus-11 check digit, and an
eleven-digit run starting ``01``/``02``/``03``/``07`` reads as a phone number, so a
column of such references would stop every return with "hits" that are nothing of the
kind. A column is taken for a column of references when

* at least :data:`MIN_VALUES` of its values, and :data:`REFERENCE_SHARE` of those not
  blank, are a reference: up to five letters (not starting ``NHS``), an optional ``-`` or
  ``/``, then six or more digits and nothing else; and
* most of those references (:data:`DOMINANT_SHARE`) have the same number of digits.

In such a column, an NHS number or phone number *hit* that is exactly the digits of a
reference of that usual length is a chance match, and not a hit, **provided** there are
no more of them than chance explains. For NHS numbers chance is known: one ten-digit
number in eleven passes the check digit, random or consecutive, so more passing than a
binomial count with that rate reaches once in a million columns (:data:`FALSE_ALARM`)
means NHS numbers are mixed in (a mis-mapped export, or ids typed as references), and
every one of them stays a hit. For phone numbers, where the rate depends on how the
references start, the bound is most of them (:data:`IDENTIFIER_SHARE`).

Everything else stays a hit: an NHS number written with spaces or dashes, one of a
length the column's references do not have (ten digits among eight-digit references),
one inside longer text. What this cannot tell apart, and the preview says so, is the odd
NHS number typed, bare, into a column of ten-digit references.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Fewer values of the reference shape than this and the column is not judged.
MIN_VALUES = 10
#: Share of the non-blank values that must be references.
REFERENCE_SHARE = 0.9
#: Share of the references that must have the column's usual number of digits.
DOMINANT_SHARE = 0.5
#: Above this share of the usual-length references passing for a phone number, the column
#: holds phone numbers, not references.
IDENTIFIER_SHARE = 0.5
#: The share of ten-digit numbers that pass the NHS check digit: ten check digits in
#: eleven are possible, and one digit in ten is the right one.
NHS_CHANCE = 1 / 11
#: How rarely a column of references alone may pass for more than chance explains.
FALSE_ALARM = 1e-6
#: The kinds a reference's digits can pass for.
DIGIT_KINDS = ("nhs_number", "phone")

_REFERENCE = r"^[A-Za-z]{0,5}[-/]?(?P<digits>[0-9]{6,})$"


@dataclass(frozen=True)
class ChanceMatches:
    """References of one column that passed for identifiers by chance, and were let through.

    ``references`` values have ``digits`` digits; ``passing`` of them matched ``kind``.
    """

    column: str
    kind: str
    digits: int
    references: int
    passing: int

    def as_dict(self) -> dict[str, object]:
        return {
            "field": self.column,
            "kind": self.kind,
            "digits": self.digits,
            "references": self.references,
            "passing": self.passing,
        }


def without_chance_matches(
    column: str, values: pa.Array, hits: pd.DataFrame
) -> tuple[pd.DataFrame, list[ChanceMatches]]:
    """``hits`` (of the distinct ``values`` of ``column``) less chance matches in references.

    ``hits`` has the columns ``value`` (position in ``values``), ``offset``, ``end`` and
    ``kind``. Returns the hits that stand and what was let through.
    """
    digit_hits = hits["kind"].isin(DIGIT_KINDS).to_numpy()
    if not digit_hits.any():
        return hits, []
    lengths = _reference_lengths(values)
    usual = _usual_length(values, lengths)
    if usual is None:
        return hits, []
    of_usual = int(np.count_nonzero(lengths == usual))
    text_lengths = pc.fill_null(pc.utf8_length(values), 0).to_numpy(zero_copy_only=False)
    owner = hits["value"].to_numpy()
    exact = (
        digit_hits
        & (lengths[owner] == usual)
        & (hits["end"].to_numpy() == text_lengths[owner])
        & (hits["end"].to_numpy() - hits["offset"].to_numpy() == usual)
    )
    dropped = np.zeros(len(hits), dtype=bool)
    let_through = []
    for kind in DIGIT_KINDS:
        chosen = exact & (hits["kind"].to_numpy() == kind)
        passing = len(np.unique(owner[chosen]))
        if passing and passing <= most_by_chance(kind, of_usual):
            dropped |= chosen
            let_through.append(ChanceMatches(column, kind, usual, of_usual, passing))
    return hits[~dropped], let_through


def most_by_chance(kind: str, references: int) -> float:
    """The most of ``references`` random references that may pass for ``kind`` by chance."""
    if kind != "nhs_number":
        return IDENTIFIER_SHARE * references
    from scipy.stats import binom  # only for a column of references with chance matches

    return float(binom.isf(FALSE_ALARM, references, NHS_CHANCE))


def _reference_lengths(values: pa.Array) -> np.ndarray:
    """For each value, the number of digits of the reference it is (0: not a reference)."""
    found = pc.extract_regex(values, _REFERENCE)
    digits = pc.struct_field(found, "digits")
    lengths = pc.fill_null(pc.utf8_length(digits), 0).to_numpy(zero_copy_only=False).copy()
    labelled = pc.fill_null(pc.starts_with(values, "nhs", ignore_case=True), False)
    lengths[labelled.to_numpy(zero_copy_only=False)] = 0  # "NHS9434765919" is no reference
    return lengths


def _usual_length(values: pa.Array, lengths: np.ndarray) -> int | None:
    """The number of digits most references of the column have; ``None``: not references."""
    references = int(np.count_nonzero(lengths))
    blank = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(values), ""), True)
    filled = len(values) - pc.sum(blank).as_py() if len(values) else 0
    if references < MIN_VALUES or references < REFERENCE_SHARE * filled:
        return None
    counts = np.bincount(lengths[lengths > 0])
    usual = int(counts.argmax())
    return usual if counts[usual] >= DOMINANT_SHARE * references else None
