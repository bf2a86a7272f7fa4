"""The agreed framework price table the regional lead uploads, for the savings table.

One current table: each upload replaces the previous one entirely (audited as
``picture:framework:upload``). A line is a care type (code, e.g. ``residential``, or its
title), optionally a primary support reason, and a weekly price in pounds (``£1,234.50``
is accepted). Problems are reported with the spreadsheet row (the header is row 1) and
the column, so the regional lead can fix the file.

The caller commits, then asks for the picture to be rebuilt
(:func:`exchange.picture.hooks.request_rebuild` with no periods: savings of every
period use the table).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from exchange.audit.events import record_event
from exchange.audit.tags import PICTURE_FRAMEWORK_UPLOAD
from exchange.db import utc_now
from exchange.picture.errors import BadFrameworkPrices
from exchange.picture.models import FrameworkPrice
from schemas import codes

REQUIRED = ("care_type", "weekly_price")
OPTIONAL = ("primary_support_reason",)
MAX_LINES = 2000


def _lookup(options: Mapping[str, str]) -> dict[str, str]:
    found = {code.casefold(): code for code in options}
    found.update({title.casefold(): code for code, title in options.items()})
    return found


def _code(value: object, options: Mapping[str, str]) -> str | None:
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    text = text.strip()
    return _lookup(options).get(text.casefold()) if text else None


def _price(value: object) -> float | None:
    text = str(value).strip().replace("£", "").replace(",", "")
    try:
        price = float(text)
    except ValueError:
        return None
    return price if math.isfinite(price) and price > 0 else None


def parse_framework_prices(frame: pd.DataFrame) -> list[tuple[str, str | None, float]]:
    """Validated lines ``(care type, support reason or None, weekly price)``."""
    columns = {str(c).strip().casefold().replace(" ", "_"): c for c in frame.columns}
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise BadFrameworkPrices(
            "The framework price table needs the columns care_type and weekly_price "
            f"(and optionally primary_support_reason); missing: {', '.join(missing)}."
        )
    if frame.empty:
        raise BadFrameworkPrices("The framework price table has no lines.")
    if len(frame) > MAX_LINES:
        raise BadFrameworkPrices(f"The framework price table has over {MAX_LINES} lines.")
    lines: dict[tuple[str, str | None], float] = {}
    has_reason = "primary_support_reason" in columns
    for position, (_, row) in enumerate(frame.iterrows(), start=2):
        care = _code(row[columns["care_type"]], codes.CARE_TYPES)
        if care is None:
            raise BadFrameworkPrices(
                f"Row {position}, column care_type: not a care type; use one of "
                + ", ".join(codes.CARE_TYPES) + "."
            )  # fmt: skip
        reason = None
        if has_reason:
            raw = row[columns["primary_support_reason"]]
            reason = _code(raw, codes.PRIMARY_SUPPORT_REASONS)
            if reason is None and not (pd.isna(raw) or str(raw).strip() == ""):
                raise BadFrameworkPrices(
                    f"Row {position}, column primary_support_reason: not a primary support "
                    "reason; leave it empty for every reason."
                )
        price = _price(row[columns["weekly_price"]])
        if price is None:
            raise BadFrameworkPrices(
                f"Row {position}, column weekly_price: give a weekly price in pounds above 0."
            )
        if (care, reason) in lines:
            raise BadFrameworkPrices(
                f"Row {position}: {care} / {reason or 'every reason'} is priced twice."
            )
        lines[(care, reason)] = round(price, 2)
    return [(care, reason, price) for (care, reason), price in lines.items()]


def set_framework_prices(session: Session, frame: pd.DataFrame, *, actor: str) -> int:
    """Replace the framework price table with ``frame`` (validated, audited); line count."""
    lines = parse_framework_prices(frame)
    now = utc_now()
    session.execute(delete(FrameworkPrice))
    session.add_all(
        FrameworkPrice(
            care_type=care,
            primary_support_reason=reason,
            weekly_price=price,
            uploaded_by=actor,
            uploaded_at=now,
        )
        for care, reason, price in lines
    )
    session.flush()
    record_event(
        session, tag=PICTURE_FRAMEWORK_UPLOAD, actor=actor, object="picture:framework_prices",
        details={"lines": len(lines)},
    )  # fmt: skip
    return len(lines)


def framework_prices(session: Session) -> pd.DataFrame:
    """The current framework price table (columns care_type, primary_support_reason,
    weekly_price, uploaded_by, uploaded_at); empty when none was uploaded."""
    rows = session.execute(
        select(
            FrameworkPrice.care_type,
            FrameworkPrice.primary_support_reason,
            FrameworkPrice.weekly_price,
            FrameworkPrice.uploaded_by,
            FrameworkPrice.uploaded_at,
        ).order_by(FrameworkPrice.care_type, FrameworkPrice.primary_support_reason)
    ).all()
    columns = ["care_type", "primary_support_reason", "weekly_price", "uploaded_by", "uploaded_at"]
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)
