"""A served hub with a small region in it, and Debian's Chromium driven by Playwright.

``region`` is the hub on a migrated SQLite file behind a real threaded HTTP server, with
six authorities, each with placements and supplier spend returns for two quarters, one
corrected, a user per role, and the regional picture rebuilt as returns arrive
(``PICTURE_RECOMPUTE=inline``). It is built once per module: the browser tests only read.
``browser`` is Chromium (``/usr/bin/chromium``, or ``EXCHANGE_CHROMIUM``); when it is
missing the tests skip, unless ``EXCHANGE_REQUIRE_BROWSER=1`` (CI), when they fail.
Screenshots go to ``test-artefacts/screenshots/`` (or ``EXCHANGE_TEST_ARTEFACTS``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright

from exchange import create_app
from exchange.accounts import services as accounts
from exchange.db import database, dispose, get_session, upgrade
from exchange.hub_key import HUB_KEY_FILE, create_hub_key
from exchange.picture.store import recompute
from exchange.returns import hooks
from exchange.returns.access import ingest_settings, return_store
from exchange.returns.agreements import add_period
from exchange.returns.services import Uploader, submit_return
from tests.exchange.returns_kit import Officer, make_return, ready_authority, serving
from tests.services import missing

CHROMIUM = Path(os.environ.get("EXCHANGE_CHROMIUM", "/usr/bin/chromium"))
ARTEFACTS = Path(os.environ.get("EXCHANGE_TEST_ARTEFACTS", "test-artefacts"))
PASSWORD = "a long enough test password"
AUTHORITIES = ("E06000015", "E06000016", "E06000018", "E10000007", "E10000018", "E10000024")
PERIODS = ("2026-Q1", "2026-Q2")
ROWS = 400
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip

pytestmark = pytest.mark.xdist_group("browser")


@dataclass(frozen=True)
class Region:
    """The served hub: its address and the username of each role."""

    url: str
    app: Flask
    regional_lead: str = "lead"
    ig_officer: str = "ig"
    admin: str = "admin"

    @staticmethod
    def officer(code: str) -> str:
        """The data officer of authority ``code``."""
        return f"officer-{code}"


def _submit(app: Flask, code: str, path: Path) -> str:
    with app.app_context(), open(path, "rb") as body:
        accepted = submit_return(
            get_session(), body=body, uploader=Uploader(f"officer:{code}", code),
            store=return_store(), settings=ingest_settings(),
        )  # fmt: skip
        return accepted.record.manifest_hash


def _build(folder: Path) -> Flask:
    app = create_app({
        "TESTING": True, "SECRET_KEY": "browser-tests-" + "k" * 40,
        "INSTANCE_PATH": str(folder), "AUDIT_ORIGIN": "browser-tests.exchange.invalid/audit",
        "LOG_LEVEL": "WARNING", "PICTURE_RECOMPUTE": "inline",
    })  # fmt: skip
    upgrade(database(app).engine)
    create_hub_key(folder / HUB_KEY_FILE)
    officers = {code: ready_authority(app, code) for code in AUTHORITIES}
    with app.app_context():
        session = get_session()
        for role, name in (("regional_lead", "lead"), ("ig_officer", "ig"), ("admin", "admin")):
            accounts.create_user(session, username=name, password=PASSWORD, role=role,
                                 authority_code=None, actor="test")  # fmt: skip
        for return_type in ("placements", "supplier_spend"):
            for period in PERIODS:
                add_period(session, return_type=return_type, period=period,
                           due_date=date.today() + timedelta(days=7), actor="test")  # fmt: skip
        session.commit()
    now = datetime.now(UTC)
    callbacks = hooks.registered()
    for callback in callbacks:  # one rebuild per period at the end, not one per upload
        hooks.forget(callback)
    try:
        _upload_region(app, folder, officers, now)
    finally:
        for callback in callbacks:
            hooks.on_returns_changed(callback)
    with app.app_context():
        recompute(get_session())
    return app


def _upload_region(app: Flask, folder: Path, officers: dict[str, Officer], now: datetime) -> None:
    for number, code in enumerate(AUTHORITIES):
        officer = officers[code]
        sequence = 1
        latest: dict[str, str] = {}
        for period in PERIODS:
            for return_type in ("placements", "supplier_spend"):
                path = folder / f"{code}-{period}-{return_type}.return"
                make_return(path, signing_key=officer.key, authority=code,
                            return_type=return_type, period=period, sequence=sequence,
                            rows=ROWS, seed=100 * number + sequence, now=now)  # fmt: skip
                latest[return_type] = _submit(app, code, path)
                sequence += 1
        if number == 0:  # the first authority corrects its latest placements return
            path = folder / f"{code}-correction.return"
            make_return(path, signing_key=officer.key, authority=code, return_type="placements",
                        period=PERIODS[-1], sequence=sequence, rows=ROWS, seed=999,
                        supersedes=latest["placements"], now=now)  # fmt: skip
            _submit(app, code, path)


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Region]:
    """The hub with its region, served on 127.0.0.1."""
    app = _build(tmp_path_factory.mktemp("browser-hub"))
    with serving(app) as url:
        yield Region(url=url, app=app)
    dispose(app)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless."""
    if not CHROMIUM.exists():
        missing(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)",
                required_by="EXCHANGE_REQUIRE_BROWSER")  # fmt: skip
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) and page; downloads allowed."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page: Page, region: Region, username: str) -> None:
    """Log in through the login page, as a person would."""
    page.goto(f"{region.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    assert "/login" not in page.url, f"login as {username} failed"


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot (the whole page, or what the window shows) into the artefacts."""
    folder = ARTEFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page, timeout=90_000)
    return path
