"""The picture's pages, API and downloads over a release built from real signed returns."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from exchange.audit import tags
from exchange.db import get_session
from exchange.disclosure.tables import TOTAL, PublishedTable
from exchange.picture import store
from tests.exchange.conftest import Hub, bearer
from tests.exchange.returns_kit import Officer, make_return, ready_authority

PERIOD = "2026-Q2"
AUTHORITIES = ("E06000015", "E06000016", "E06000018")


@dataclass
class Region:
    """A hub with returns from three authorities and the period's release built inline."""

    app: Flask
    hub: Hub
    officers: dict[str, Officer]
    lead_token: str

    def client(self, role: str, authority: str | None = None) -> FlaskClient:
        client = self.app.test_client()
        self.hub.login(client, self.hub.user(role, authority=authority))
        return client

    def release(self) -> store.Release:
        with self.app.app_context():
            release = store.current_release(get_session(), PERIOD)
        assert release is not None
        return release

    def table(self, name: str) -> PublishedTable:
        with self.app.app_context():
            table = store.load_table(get_session(), PERIOD, name)
        assert table is not None
        return table


def upload(app: Flask, officer: Officer, path: Path) -> None:
    answer = app.test_client().post(
        "/api/v1/returns",
        data=path.read_bytes(),
        headers={**officer.headers, "Content-Type": "application/octet-stream"},
    )
    assert answer.status_code == 201, answer.json


def build_region(
    app_with: Callable[..., Flask], tmp_path: Path, *, codes: tuple[str, ...], rows: int
) -> Region:
    app = app_with(PICTURE_RECOMPUTE="inline")
    hub = Hub(app)
    officers = {}
    for seed, code in enumerate(codes, start=1):
        officer = ready_authority(app, code)
        officers[code] = officer
        for return_type, count in (("placements", rows), ("supplier_spend", rows // 2)):
            path = tmp_path / f"{code}-{return_type}.return"
            make_return(path, signing_key=officer.key, authority=code, return_type=return_type,
                        period=PERIOD, rows=count, seed=seed)  # fmt: skip
            upload(app, officer, path)
    return Region(app, hub, officers, hub.token(hub.user("regional_lead")))


@pytest.fixture
def region(app_with: Callable[..., Flask], tmp_path: Path) -> Region:
    """Three authorities' placements and spend for 2026-Q2, the picture built."""
    return build_region(app_with, tmp_path, codes=AUTHORITIES, rows=150)


def test_overview_page_renders_the_release(region: Region) -> None:
    """Tables, charts with their data, withheld cells with reasons, and download links."""
    html = region.client("regional_lead").get(f"/picture?period={PERIOD}").get_data(as_text=True)
    for name in ("supplier_picture", "placements_by_care_type", "benchmarks", "savings",
                 "completeness"):  # fmt: skip
        assert f'id="table-{name}"' in html
    for chart in ("costs", "benchmarks", "savings"):
        assert f'<canvas id="chart-{chart}"' in html
        found = re.search(
            rf'<script type="application/json" data-chart-for="chart-{chart}">(.*?)</script>',
            html,
            re.S,
        )
        assert found is not None
        assert json.loads(found.group(1))["data"]["labels"]
    withheld = re.findall(
        r'<td class="[^"]*withheld[^"]*" title="([^"]+)"[^>]*>(\[[cx]\])</td>', html
    )
    assert withheld, "a small region must withhold some cells"
    assert {mark for _, mark in withheld} <= {"[c]", "[x]"}
    assert all(title for title, _ in withheld)
    assert re.search(r'class="download" data-format="xlsx"', html)
    assert 'id="empty-state"' not in html
    assert "<script>" not in html  # no inline script: the CSP would block it


def test_supplier_table_search_and_sort_work_without_javascript(region: Region) -> None:
    """?q= narrows the supplier table; ?sort= orders it (server-side)."""
    suppliers = region.table("supplier_picture")
    names = [r["supplier"] for r in suppliers.rows if r["supplier"] != TOTAL]
    wanted = names[0]
    client = region.client("regional_lead")
    html = client.get(f"/picture?period={PERIOD}&q={wanted[:12]}").get_data(as_text=True)
    table = html.split('id="table-supplier_picture"')[1].split("</table>")[0]
    assert wanted in table
    assert all(n not in table for n in names if wanted[:12].casefold() not in n.casefold())
    ordered = client.get(f"/picture?period={PERIOD}&sort=-regional_spend").get_data(as_text=True)
    body = ordered.split('id="table-supplier_picture"')[1].split("</tbody>")[0]
    spends = [r["regional_spend"] for r in suppliers.rows if r["supplier"] != TOTAL]
    top = next(r["supplier"] for r in suppliers.rows if r.get("regional_spend") == max(spends))
    first_row = body.split("<tr>")[2]  # [0] before thead row, [1] thead, [2] first body row
    assert top in first_row


def test_downloads_carry_the_certificate_and_are_audited(region: Region) -> None:
    """CSV (header + link), XLSX (sheet), JSON (embedded), ZIP; each download audited."""
    release = region.release()
    client = region.app.test_client()
    headers = bearer(region.lead_token)
    url = f"/api/v1/picture/{PERIOD}/tables/placements_by_authority"
    as_csv = client.get(f"{url}?format=csv", headers=headers)
    assert as_csv.status_code == 200
    assert as_csv.mimetype == "text/csv"
    assert as_csv.headers["Disclosure-Certificate"] == release.certificate_id
    link = re.match(r"<([^>]+)>", as_csv.headers["Link"])
    assert link is not None
    certificate = client.get(link.group(1), headers=headers)
    assert certificate.json["certificate"]["id"] == release.certificate_id
    assert certificate.json["signature"] == release.signature
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True))))
    assert rows[0] == ["authority", "care_type", "placements"]
    book = load_workbook(io.BytesIO(client.get(f"{url}?format=xlsx", headers=headers).data))
    assert book.sheetnames == ["table", "Disclosure certificate"]
    assert release.certificate_id in "\n".join(
        str(c.value) for c in book["Disclosure certificate"]["A"]
    )
    document = client.get(url, headers=headers).json
    assert document["certificate"]["id"] == release.certificate_id
    assert document["table"]["name"] == "placements_by_authority"
    bundle = zipfile.ZipFile(io.BytesIO(client.get(f"{url}?format=zip", headers=headers).data))
    assert json.loads(bundle.read("certificate.json"))["id"] == release.certificate_id
    page = region.client("regional_lead").get(
        f"/picture/placements_by_authority/download?period={PERIOD}&format=csv"
    )
    assert page.headers["Disclosure-Certificate"] == release.certificate_id
    audited = region.hub.entries(tags.PICTURE_TABLE_DOWNLOAD)
    assert [e.details["format"] for e in audited] == ["csv", "xlsx", "json", "zip", "csv"]
    assert {e.details["table"] for e in audited} == {"placements_by_authority"}
    assert {e.details["period"] for e in audited} == {PERIOD}


def test_a_data_officer_sees_their_authority_against_the_region(region: Region) -> None:
    """Own rows and totals only; own private figures; other authorities' rows absent."""
    own, others = AUTHORITIES[0], AUTHORITIES[1:]
    officer = region.officers[own]
    client = region.app.test_client()
    url = f"/api/v1/picture/{PERIOD}/tables/benchmarks"
    rows = client.get(url, headers=officer.headers).json["table"]["rows"]
    assert rows
    assert {r["authority"] for r in rows} <= {own, TOTAL}
    page = region.client("data_officer", own).get(f"/picture/authority/{own}?period={PERIOD}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="section-own-costs"' in html
    assert all(code not in html for code in others)
    ig = region.client("ig_officer").get(f"/picture/authority/{own}?period={PERIOD}")
    assert 'id="section-own-costs"' not in ig.get_data(as_text=True)
    overview = client.get(f"/api/v1/picture/{PERIOD}/overview", headers=officer.headers).json
    assert "supplier_picture" not in overview["tables"]
    assert {r["authority"] for r in overview["tables"]["benchmarks"]["rows"]} <= {own, TOTAL}


def test_fair_price_calculator_answers_from_the_guide(region: Region) -> None:
    """The API and page give the guide's row for a care type (Total over the rest)."""
    guide = region.table("fair_price")
    care = next(r["care_type"] for r in guide.rows if r["care_type"] != TOTAL)
    client = region.app.test_client()
    answer = client.get(
        f"/api/v1/picture/fair-price?period={PERIOD}&care_type={care}",
        headers=bearer(region.lead_token),
    ).json
    assert answer["certificate_id"] == region.release().certificate_id
    assert len(answer["rows"]) == 1
    row = answer["rows"][0]
    assert (row["care_type"], row["primary_support_reason"], row["provider_type"]) == (
        care, TOTAL, TOTAL
    )  # fmt: skip
    page = region.client("data_officer", AUTHORITIES[0]).get(
        f"/picture/fair-price?period={PERIOD}&care_type={care}"
    )
    assert 'id="table-fair_price"' in page.get_data(as_text=True)


def test_framework_prices_upload_rebuilds_savings(region: Region) -> None:
    """The lead's CSV upload is stored, audited, and savings are measured against it."""
    before = region.release().number
    answer = region.app.test_client().post(
        "/api/v1/picture/framework-prices",
        data=b"care_type,primary_support_reason,weekly_price\nresidential,,800\nnursing,,950\n",
        headers={**bearer(region.lead_token), "Content-Type": "text/csv"},
    )
    assert answer.status_code == 201, answer.json
    assert answer.json == {"lines": 2}
    assert region.release().number > before
    assert any("framework price" in note for note in region.table("savings").notes)
    bad = region.app.test_client().post(
        "/api/v1/picture/framework-prices",
        data=b"care_type,weekly_price\ncastle,800\n",
        headers={**bearer(region.lead_token), "Content-Type": "text/csv"},
    )
    assert bad.status_code == 400
    assert "row 2" in bad.json["error"]["message"].lower()


def test_a_table_with_every_count_withheld_downloads_with_marks(
    app_with: Callable[..., Flask], tmp_path: Path
) -> None:
    """One authority, five placements: every non-zero count is withheld, still downloadable."""
    region = build_region(app_with, tmp_path, codes=(AUTHORITIES[0],), rows=5)
    release = region.release()
    table = region.table("placements_by_route")
    assert all(
        (i, "placements") in table.withheld or row["placements"] == 0
        for i, row in enumerate(table.rows)
    )
    client = region.app.test_client()
    url = f"/api/v1/picture/{PERIOD}/tables/placements_by_route"
    as_csv = client.get(f"{url}?format=csv", headers=bearer(region.lead_token))
    assert as_csv.status_code == 200
    assert as_csv.headers["Disclosure-Certificate"] == release.certificate_id
    rows = list(csv.DictReader(io.StringIO(as_csv.get_data(as_text=True))))
    total = next(r for r in rows if r["care_type"] == TOTAL and r["procurement_route"] == TOTAL)
    assert total["placements"] == "[c]"
    assert {r["median"] for r in rows if r["placements"] != "0"} == {"[x]"}
    document = client.get(url, headers=bearer(region.lead_token)).json
    assert document["certificate"]["id"] == release.certificate_id
    assert document["table"]["withheld"]


def test_the_overview_follows_each_new_release(region: Region) -> None:
    """The overview is kept per release: asked twice it is the same; a rebuild (here, the
    lead's framework prices) gives the new release's overview, not the kept one."""
    client = region.app.test_client()
    path = f"/api/v1/picture/{PERIOD}/overview"
    first = client.get(path, headers=bearer(region.lead_token)).json
    assert client.get(path, headers=bearer(region.lead_token)).json == first
    answer = client.post(
        "/api/v1/picture/framework-prices",
        data=b"care_type,primary_support_reason,weekly_price\nresidential,,800\n",
        headers={**bearer(region.lead_token), "Content-Type": "text/csv"},
    )
    assert answer.status_code == 201, answer.json
    after = client.get(path, headers=bearer(region.lead_token)).json
    assert after["release"] == region.release().number > first["release"]
    assert after["certificate_id"] == region.release().certificate_id != first["certificate_id"]
