"""Schemathesis against the hub's own OpenAPI document, in process (WSGI), on PostgreSQL.

The hub holds a small region (three authorities' real signed returns, the picture
built), and every operation of ``/api/v1/openapi.json`` is exercised with generated
requests as a regional lead and as a data officer: schema-valid requests (every
response must be no 5xx and conform to the document: status, content type, headers,
body) and schema-invalid ones (no 5xx; the answer still in the documented shape).
Examples are bounded and derandomised, so a run takes a minute or two and repeats.
Every failure is collected with the request that caused it, then the test fails listing
them all (rather than stopping at the first).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.errors import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.conftest import SecurityRecord
from tests.security.region import build_region

POSITIVE_EXAMPLES = 25
NEGATIVE_EXAMPLES = 12
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Invalid requests: no 5xx, and the error answered in the documented shape.
NEGATIVE = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.fixture
def region_app(app_with: Callable[..., Flask], tmp_path: Path) -> tuple[Flask, dict[str, str]]:
    """The hub with a region's returns and picture; bearer tokens by role."""
    region = build_region(app_with, tmp_path, rows=90, RATELIMIT_DEFAULT="100000 per minute")
    officer = region.officers["E06000015"]
    lead = region.hub.token(region.hub.user("regional_lead"))
    return region.app, {"regional_lead": lead, "data_officer": officer.token}


def _describe(case: Any) -> str:
    parts = [f"{case.method} {case.formatted_path}"]
    if case.query:
        parts.append(f"query={case.query!r}")
    if isinstance(case.body, (bytes, str)):
        parts.append(f"body={case.body[:60]!r}")
    elif isinstance(case.body, (dict, list)):
        parts.append(f"body={case.body!r}")
    return " ".join(parts)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def exercise(app: Flask, token: str, security: SecurityRecord) -> list[str]:
    """Run the bounded examples of every operation; the failures, each with its request."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {token}"}
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20, "the OpenAPI document lost operations"
    for operation in operations:
        for mode, examples, checks in (
            (GenerationMode.POSITIVE, POSITIVE_EXAMPLES, CONFORMANCE),
            (GenerationMode.NEGATIVE, NEGATIVE_EXAMPLES, NEGATIVE),
        ):
            tried = [0]
            run = _runner(operation, mode, checks, headers, failures, tried)
            run_bounded = settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )(run)
            run_bounded()
            security.cases(tried[0])
    return [f"{key} <- {example}" for key, example in sorted(failures.items())]


def _runner(
    operation: Any, mode: GenerationMode, checks: list[Any], headers: dict[str, str],
    failures: dict[str, str], tried: list[int],
) -> Any:  # fmt: skip
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        tried[0] += 1
        try:
            case.call_and_validate(headers=headers, checks=checks)
        except FailureGroup as group:  # checks failed: keep each, go on
            for failure in group.exceptions:
                key = f"{operation.label} [{mode.value}] {type(failure).__name__}: {failure.title}"
                failures.setdefault(key, _describe(case))
        except Exception as error:  # anything else the call raised
            key = f"{operation.label} [{mode.value}] {type(error).__name__}: {_first_line(error)}"
            failures.setdefault(key, _describe(case))

    return run


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("role", ["regional_lead", "data_officer"])
def test_every_operation_survives_generated_requests(
    region_app: tuple[Flask, dict[str, str]], role: str, security: SecurityRecord
) -> None:
    """No 5xx and schema-conformant answers for generated valid and invalid requests."""
    app, tokens = region_app
    failures = exercise(app, tokens[role], security)
    for failure in failures:
        security.finding(f"{role}: {failure}")
    security.note(
        f"{role}: up to {POSITIVE_EXAMPLES} schema-valid and {NEGATIVE_EXAMPLES} schema-invalid "
        "derandomised examples per operation, in process (WSGI), PostgreSQL"
    )
    assert failures == []
