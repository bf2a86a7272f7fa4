"""What a test does when a service it needs (Chromium, nginx, Redis) is missing here.

Not a test module. A developer's machine may lack one: the test is skipped, saying what
to install. CI sets ``EXCHANGE_REQUIRE_<SERVICE>=1`` (``.ci/run``), which turns the skip
into a failure, so a missing install step can never pass as a skip there.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def missing(message: str, *, required_by: str) -> NoReturn:
    """Skip the test with ``message``, or fail it when ``required_by`` (an environment
    variable such as ``EXCHANGE_REQUIRE_NGINX``) is ``1``."""
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{message}; {required_by}=1 requires it")
    pytest.skip(message)
