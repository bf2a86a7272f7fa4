"""What every ``exchange`` command shares: error reporting, the session, the actor."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import click
from sqlalchemy.orm import Session

from exchange.config import Settings, current_settings
from exchange.db import get_session
from exchange.errors import ExchangeError
from exchange.hub_key import current_hub_key
from keys.errors import KeysError
from keys.signing import SigningKey

F = TypeVar("F", bound=Callable[..., Any])
#: How the audit log names whoever ran a command on the hub's own machine.
CLI_ACTOR = "cli"


def reports_errors(command: F) -> F:
    """Turn the hub's own errors into a one-line message and exit status 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (ExchangeError, KeysError) as err:
            raise click.ClickException(str(err)) from None

    return cast(F, wrapper)


def session() -> Session:
    """The current app's database session."""
    return get_session()


def settings() -> Settings:
    """The current app's settings."""
    return current_settings()


def hub_key() -> SigningKey:
    """The hub's signing key, from the instance folder or ``EXCHANGE_HUB_KEY_FILE``."""
    return current_hub_key()
