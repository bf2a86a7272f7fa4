"""Option callbacks shared by several ``anonymiser`` commands, so each rule is said once."""

from __future__ import annotations

from typing import overload

import click

from schemas import ReturnPeriod, SchemaError


@overload
def return_period(ctx: click.Context, param: click.Parameter, value: str) -> ReturnPeriod: ...
@overload
def return_period(ctx: click.Context, param: click.Parameter, value: None) -> None: ...
def return_period(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> ReturnPeriod | None:
    """A ``--period`` value as a :class:`ReturnPeriod` (``None`` when not given)."""
    if value is None:
        return None
    try:
        return ReturnPeriod.parse(value)
    except SchemaError as err:
        raise click.BadParameter(
            f"{value!r}: {err}. Write it like 2026-Q2, 2026-06 or 2026-27."
        ) from None
