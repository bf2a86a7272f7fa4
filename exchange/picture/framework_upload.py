"""The regional lead's framework price upload, from a CSV file, for the page and the API.

The file has a header row and the columns ``care_type``, ``primary_support_reason``
(may be empty: the price applies to every support reason) and ``weekly_price``. It
replaces the whole table; :func:`exchange.picture.frameworks.set_framework_prices`
checks it (a message naming the row and column at fault) and audits the upload
(``picture:framework:upload``); then every period's picture is rebuilt
(:func:`exchange.picture.hooks.request_rebuild`), so savings are measured against the
new prices.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from exchange.picture.errors import BadFrameworkPrices
from exchange.picture.models import FrameworkPrice

MAX_BYTES = 1 << 20
COLUMNS = ("care_type", "primary_support_reason", "weekly_price")


def read_prices_csv(raw: bytes) -> pd.DataFrame:
    """The uploaded CSV as text columns (the price is checked by the store)."""
    if len(raw) > MAX_BYTES:
        raise BadFrameworkPrices(
            "The framework price file is larger than 1 MB; is it the right file?"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFrameworkPrices("The framework price file must be UTF-8 text (CSV).") from None
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        raise BadFrameworkPrices(
            "The framework price file is not a CSV table with a header row: "
            + ", ".join(COLUMNS)
            + "."
        ) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    return frame


def upload_prices(session: Session, raw: bytes, *, actor: str) -> int:
    """Replace the framework prices with the uploaded CSV and commit; the number of lines."""
    from exchange.picture.frameworks import set_framework_prices
    from exchange.picture.hooks import request_rebuild

    frame = read_prices_csv(raw)
    lines = set_framework_prices(session, frame, actor=actor)
    session.commit()
    request_rebuild(session)  # savings of every period are measured against the prices
    return lines


def current_prices(session: Session) -> list[dict[str, Any]]:
    """The framework price table in force, by care type then support reason."""
    prices = session.scalars(
        select(FrameworkPrice).order_by(
            FrameworkPrice.care_type, FrameworkPrice.primary_support_reason
        )
    )
    return [
        {
            "care_type": p.care_type,
            "primary_support_reason": p.primary_support_reason,
            "weekly_price": p.weekly_price,
            "uploaded_by": p.uploaded_by,
            "uploaded_at": p.uploaded_at,
        }
        for p in prices
    ]
