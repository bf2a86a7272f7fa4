"""What the regional picture refuses.

InvalidRequest
├── UnknownTable            no published table has that name            400
└── BadFrameworkPrices      the framework price upload is not usable    400
NotFound
└── UnknownRelease          no release or certificate by that id        404
"""

from __future__ import annotations

from exchange.errors import InvalidRequest, NotFound


class UnknownTable(InvalidRequest):
    """The regional picture has no table of that name."""

    code = "unknown_table"


class BadFrameworkPrices(InvalidRequest):
    """The uploaded framework price table cannot be used (the message says where)."""

    code = "bad_framework_prices"


class UnknownRelease(NotFound):
    """No release (or certificate) has that id."""

    code = "unknown_release"
