"""Free text as officers type it: placement notes and payment descriptions.

Most notes are harmless; about one in ten names someone, quotes an NHS number,
a telephone number (Ofcom's drama range, 07700 900xxx) or an old postcode, as
real notes do. The schemas drop these columns and the checker flags such
identifiers, so the synthetic region must contain them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from anonymiser.synth.placements import Chunk

_PLAIN_NOTES = (
    "Annual review due",
    "Placement stable",
    "Awaiting CHC assessment",
    "Top-up paid by family",
    "Respite included in package",
    "Hospital discharge placement",
    "Fee uplift applied from April",
    "Awaiting contract variation",
    "Placement at risk of breakdown",
    "Interim placement",
    "Out of area placement",
    "Backdated invoice agreed",
    "Joint funded - see CHC panel",
    "Provider notified of change in need",
    "Review completed, no change",
)

Row = dict[str, str]
_IDENTIFYING_NOTES: tuple[Callable[[Row], str], ...] = (
    lambda r: f"NHS no {r['nhs_number']} confirmed with GP",
    lambda r: f"Daughter is main contact, tel 07700 900{r['phone']}",
    lambda r: f"Previously at {r['postcode']}",
    lambda r: f"Known as {r['given_name']} {r['family_name']} on provider system",
    lambda r: f"DOB checked {r['date_of_birth']}",
    lambda r: f"Son {r['relative']} {r['family_name']} holds LPA",
)


def placement_notes(rng: np.random.Generator, chunk: Chunk) -> np.ndarray:
    """A note per placement: 40% blank, 50% routine, 10% naming the person somehow."""
    size = len(chunk["care_type"])
    draw = rng.random(size)
    notes = np.where(
        draw < 0.4, "", np.array(_PLAIN_NOTES)[rng.integers(0, len(_PLAIN_NOTES), size)]
    )
    notes = notes.astype(object)
    rows = np.flatnonzero(draw > 0.9)
    kinds = rng.integers(0, len(_IDENTIFYING_NOTES), len(rows))
    phones = rng.integers(0, 1_000, len(rows))
    relatives = chunk["given_name"][rng.integers(0, max(size, 1), len(rows))]
    for at, kind, phone, relative in zip(rows, kinds, phones, relatives, strict=True):
        row = {
            "nhs_number": str(chunk["nhs_number"][at]) or "not known",
            "phone": f"{phone:03d}",
            "postcode": str(chunk["postcode"][at]),
            "given_name": str(chunk["given_name"][at]),
            "family_name": str(chunk["family_name"][at]),
            "date_of_birth": str(chunk["date_of_birth"][at]),
            "relative": str(relative),
        }
        notes[at] = _IDENTIFYING_NOTES[kind](row)
    return notes.astype(str)


_SPEND_PURPOSES = {
    "care": ("{care} - {month} invoice", "{care} {month}", "Care fees {month}", "Top-up fees"),
    "individual": ("Allowance {month}", "Payment {month}", "Carer payment", "Expenses"),
    "company": ("{expense} {month}", "{expense}", "Invoice {invoice}", "{expense} - quarterly"),
}


def spend_descriptions(
    rng: np.random.Generator,
    kinds: np.ndarray,
    labels: np.ndarray,
    months: np.ndarray,
    people: np.ndarray,
) -> np.ndarray:
    """Payment descriptions; a few care payments name the person cared for."""
    size = len(kinds)
    picks = rng.integers(0, 4, size)
    invoices = rng.integers(10_000, 999_999, size)
    named = (kinds == "care") & (rng.random(size) < 0.04)
    out = []
    for kind, label, month, pick, invoice, person, names in zip(
        kinds, labels, months, picks, invoices, people, named, strict=True
    ):
        if names:
            out.append(f"{label} for {person} {month}")
            continue
        template = _SPEND_PURPOSES[str(kind)][pick]
        out.append(template.format(care=label, expense=label, month=month, invoice=invoice))
    return np.array(out, dtype=str) if out else np.array([], dtype=str)
