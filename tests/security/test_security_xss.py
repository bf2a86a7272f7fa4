"""Cross-site scripting: hostile text that reaches a page is escaped, and the CSP forbids
inline script anyway.

Provider and supplier names carrying script are uploaded in real signed returns (the
shared schema decides which survive validation; those that do are what the pages get),
the picture is rebuilt inline, and every page a person could open with them — the
picture and its tables, suppliers and their review, returns, audit, users — must show
them escaped: the raw markup never appears, its escaped form does somewhere. Usernames
carrying markup reach the users and audit pages the same way.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from exchange.security import CONTENT_SECURITY_POLICY
from tests.security.conftest import SecurityRecord
from tests.security.region import build_region

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
NAMES = [f"{SCRIPT} Care Ltd", f"Oak Lodge {IMG}", f"Elm House {SCRIPT}{IMG}",
         "Birch </td></tr><script>alert(1)</script> Ltd"]  # fmt: skip
RAW = ("<script>alert(1)", "<img src=x", "onerror=alert(1)>")
PAGES = ["/", "/picture", "/picture/fair-price", "/suppliers", "/suppliers/review",
         "/returns", "/audit", "/admin/users", "/admin/authorities", "/agreements",
         "/picture/certificates"]  # fmt: skip


def _pages_of(client: object, start: list[str]) -> list[str]:
    """The start pages plus every /picture/<table> and /returns/<hash> they link to."""
    found = list(start)
    for path in ("/picture", "/returns"):
        page = client.get(path).get_data(as_text=True)  # type: ignore[attr-defined]
        for link in re.findall(r'href="(/(?:picture|returns)/[A-Za-z0-9_]+)"', page):
            if link not in found and not link.endswith("/download"):
                found.append(link)
    return found


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_hostile_names_are_escaped_on_every_page(
    app_with: Callable[..., Flask], tmp_path: Path, security: SecurityRecord
) -> None:
    """Names with script, from real returns and usernames, are escaped wherever shown."""
    names = {code: NAMES for code in ("E06000015", "E06000016", "E06000018")}
    region = build_region(app_with, tmp_path, rows=90, names=names)
    users = {role: region.client(role, username=f"{role}{SCRIPT}")
             for role in ("regional_lead", "admin", "ig_officer")}  # fmt: skip
    users["data_officer"] = region.client("data_officer", authority="E06000015",
                                          username=f"officer{IMG.replace(' ', '/')}")  # fmt: skip
    shown_escaped: set[str] = set()
    problems: list[str] = []
    for role, client in users.items():
        for path in _pages_of(client, PAGES):
            answer = client.get(path)
            security.cases()
            if answer.status_code != 200:
                continue
            text = answer.get_data(as_text=True)
            for raw in RAW:
                if raw in text:
                    problems.append(f"{role} {path}: {raw!r} unescaped")
            if html.escape(SCRIPT) in text or html.escape(IMG) in text:
                shown_escaped.add(path)
            assert answer.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    for problem in problems:
        security.finding(problem)
    security.note(f"escaped payloads shown on: {sorted(shown_escaped)}")
    assert problems == []
    assert "/admin/users" in shown_escaped, "the hostile username should reach the users page"
    assert any(p.startswith(("/picture", "/suppliers")) for p in shown_escaped), (
        "the hostile provider names should reach a picture or supplier page"
    )


def test_the_csp_forbids_inline_script(client: object, security: SecurityRecord) -> None:
    """script-src is the hub's own origin only: no inline, no eval, no other host."""
    answer = client.get("/login")  # type: ignore[attr-defined]
    security.cases()
    policy = dict(
        part.strip().split(" ", 1) for part in answer.headers["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'none'"
    assert policy["object-src" if "object-src" in policy else "default-src"] == "'none'"
    for directive in policy.values():
        assert "unsafe-inline" not in directive
        assert "unsafe-eval" not in directive
        assert "*" not in directive
        assert "http:" not in directive
        assert "data:" not in directive
    page = answer.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", page), "inline script on a page"
    assert not re.search(r"\son[a-z]+\s*=", page), "an inline event handler on a page"
