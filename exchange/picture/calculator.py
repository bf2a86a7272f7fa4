"""The fair price calculator: the guide's regional weekly range for one kind of placement.

The fair price table (:data:`~exchange.picture.catalogue.FAIR_PRICE`) has a row for
every care type, support reason and provider type, with ``Total`` rows pooling every
reason or provider type; the calculator picks the row the question names (``Total``
where it names none). Read from the stored release only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from exchange.disclosure.tables import REASONS, TOTAL, PublishedTable
from exchange.errors import InvalidRequest
from exchange.picture import catalogue as cat
from exchange.picture import presenting, reading, store
from schemas import codes


@dataclass(frozen=True)
class FairPriceQuery:
    """The calculator's question: a care type, optionally a support reason and provider type."""

    care_type: str | None = None
    support_reason: str | None = None
    provider_type: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> FairPriceQuery:
        def get(name: str) -> str | None:
            value = (args.get(name) or "").strip()
            return value or None

        return cls(get("care_type"), get("support_reason"), get("provider_type"))

    @property
    def asked(self) -> bool:
        return self.care_type is not None

    def check(self) -> None:
        """400 unless the care type (required) and the other codes are known codes."""
        if self.care_type is None:
            raise InvalidRequest("Say which care type: ?care_type=residential (for example).")
        reading.check_care_type(self.care_type)
        for name, value, known in (
            ("support_reason", self.support_reason, codes.PRIMARY_SUPPORT_REASONS),
            ("provider_type", self.provider_type, codes.PROVIDER_TYPES),
        ):
            if value is not None and value not in known:
                raise InvalidRequest(
                    f"Unknown {name.replace('_', ' ')} {value[:64]!r}; use one of: "
                    + ", ".join(known)
                    + "."
                )

    def as_dict(self) -> dict[str, str | None]:
        return {
            "care_type": self.care_type,
            "support_reason": self.support_reason,
            "provider_type": self.provider_type,
        }


@dataclass(frozen=True)
class FairPriceAnswer:
    """The fair price guide's rows answering a query, with the certificate they come under."""

    period: str
    query: FairPriceQuery
    table: PublishedTable | None
    certificate_id: str | None

    @property
    def shown(self) -> presenting.ShownTable | None:
        return None if self.table is None else presenting.shown(self.table)

    @property
    def note(self) -> str:
        return (
            "Total means every support reason or provider type of the care type. "
            "[x]: too few placements or authorities behind the range to publish it."
        )

    def as_dict(self) -> dict[str, Any]:
        rows = []
        if self.table is not None:
            for index, row in enumerate(self.table.rows):
                rows.append(
                    {
                        **row,
                        "withheld": {
                            c: {"reason": r, "explanation": REASONS.get(r, r)}
                            for (i, c), r in self.table.withheld.items()
                            if i == index
                        },
                    }
                )
                for (i, c), _ in self.table.withheld.items():
                    if i == index:
                        rows[-1][c] = None
        return {
            "period": self.period,
            "query": self.query.as_dict(),
            "rows": rows,
            "certificate_id": self.certificate_id,
        }


def fair_price(session: Session, period: str, query: FairPriceQuery) -> FairPriceAnswer:
    """The fair price rows for the query (support reason or provider type: Total if not given)."""
    query.check()
    release = store.current_release(session, period)
    table = store.load_table(session, period, cat.FAIR_PRICE) if release is not None else None
    if table is not None:
        wanted = {
            "care_type": query.care_type,
            "primary_support_reason": query.support_reason or TOTAL,
            "provider_type": query.provider_type or TOTAL,
        }
        table = reading.select_rows(
            table, lambda row: all(row.get(k) == v for k, v in wanted.items())
        )
    return FairPriceAnswer(
        period=period,
        query=query,
        table=table,
        certificate_id=release.certificate_id if release else None,
    )


def fair_price_options() -> dict[str, list[tuple[str, str]]]:
    """The calculator form's choices: the agreed code lists."""
    return {
        "care_types": list(codes.CARE_TYPES.items()),
        "support_reasons": list(codes.PRIMARY_SUPPORT_REASONS.items()),
        "provider_types": list(codes.PROVIDER_TYPES.items()),
    }
