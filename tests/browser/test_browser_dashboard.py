"""The dashboard in a real browser: each role logs in and uses its pages.

Chromium (Debian's) drives the served hub of ``conftest.region``: six authorities, two
quarters, the picture rebuilt as returns arrived. Screenshots of the main pages go to
the test artefacts.
"""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import AUTHORITIES, PERIODS, Region, log_in, screenshot

pytestmark = pytest.mark.xdist_group("browser")


def wait_for_charts(page: Page) -> int:
    """Wait until every chart on the page has drawn; how many there are."""
    canvases = page.locator("canvas[id^=chart-]")
    count = canvases.count()
    for index in range(count):
        expect(canvases.nth(index)).to_have_attribute("data-rendered", "true")
    return count


def test_the_regional_lead_sees_every_chart_and_table(page: Page, region: Region) -> None:
    """Overview of the latest quarter: charts drawn, supplier table filled, no script error."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, region, region.regional_lead)
    page.goto(f"{region.url}/picture")
    expect(page.locator("h1")).to_contain_text(PERIODS[-1])
    assert wait_for_charts(page) >= 2
    assert page.locator("#table-supplier_picture tbody tr").count() > 5
    for section in ("completeness", "savings"):
        assert page.locator(f"[id^=section-][id*={section}] table tbody tr").count() > 0, section
    assert errors == []
    screenshot(page, "regional-lead-overview")


def test_changing_period_shows_that_period(page: Page, region: Region) -> None:
    """The period picker moves the whole page to the earlier quarter."""
    log_in(page, region, region.regional_lead)
    page.goto(f"{region.url}/picture")
    page.select_option("#period-picker select[name=period]", PERIODS[0])
    page.click("#period-picker button[type=submit]")
    page.wait_for_load_state("load")
    assert f"period={PERIODS[0]}" in page.url
    expect(page.locator("h1")).to_contain_text(PERIODS[0])
    wait_for_charts(page)
    screenshot(page, "regional-lead-earlier-period")


def test_searching_and_sorting_suppliers_works_without_javascript(
    browser: object, region: Region
) -> None:
    """With JavaScript off, the supplier table still searches and sorts (server-side)."""
    context = browser.new_context(java_script_enabled=False)  # type: ignore[attr-defined]
    page = context.new_page()
    try:
        log_in(page, region, region.regional_lead)
        page.goto(f"{region.url}/picture")
        first = page.locator("#table-supplier_picture tbody tr").first.inner_text()
        word = first.split()[0]
        page.fill("#supplier-search input[name=q]", word)
        page.click("#supplier-search button[type=submit]")
        page.wait_for_load_state("load")
        rows = [
            text.lower()
            for text in page.locator("#table-supplier_picture tbody tr").all_inner_texts()
            if not text.startswith("Total")
        ]
        assert rows
        assert all(word.lower() in text for text in rows)
        page.locator("#table-supplier_picture th a.sort").first.click()
        page.wait_for_load_state("load")
        assert "sort=" in page.url
    finally:
        context.close()


def test_a_download_is_the_published_table(page: Page, region: Region) -> None:
    """The CSV link downloads the table; withheld cells carry their marks, not values."""
    log_in(page, region, region.regional_lead)
    page.goto(f"{region.url}/picture/placements_by_authority?period={PERIODS[-1]}")
    with page.expect_download() as caught:
        page.locator("a.download[data-format=csv]").first.click()
    download = caught.value
    text = download.path().read_text(encoding="utf-8") if download.path() else ""
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) > 2
    shown = page.locator("#table-placements_by_authority td.withheld").count()
    marked = sum(cell in ("[c]", "[x]") for row in rows[1:] for cell in row)
    assert marked == shown
    assert download.suggested_filename.endswith(".csv")


def test_a_withheld_cell_shows_as_withheld_with_its_reason(page: Page, region: Region) -> None:
    """Small counts are shown as [c] with the reason on hover, never as numbers."""
    log_in(page, region, region.regional_lead)
    page.goto(f"{region.url}/picture/placements_by_care_type?period={PERIODS[-1]}")
    withheld = page.locator("td.withheld")
    assert withheld.count() > 0
    first = withheld.first
    assert first.inner_text().strip() in ("[c]", "[x]")
    assert first.get_attribute("title")
    screenshot(page, "withheld-cells")


def test_a_data_officer_sees_their_authority_and_not_another(page: Page, region: Region) -> None:
    """The officer lands on their own authority; another authority's page is refused."""
    own, other = AUTHORITIES[0], AUTHORITIES[1]
    log_in(page, region, region.officer(own))
    page.goto(f"{region.url}/picture")
    assert f"/picture/authority/{own}" in page.url
    wait_for_charts(page)
    screenshot(page, "data-officer-own-authority")
    response = page.goto(f"{region.url}/picture/authority/{other}")
    assert response is not None
    assert response.status == 403
    response = page.goto(f"{region.url}/picture/supplier_picture?period={PERIODS[-1]}")
    assert response is not None
    assert response.status == 403


def test_the_ig_officer_reviews_certificates_and_the_audit_log(page: Page, region: Region) -> None:
    """The IG officer opens a disclosure certificate and the audit log."""
    log_in(page, region, region.ig_officer)
    page.goto(f"{region.url}/picture/certificates")
    link = page.locator("main a[href*='/picture/certificates/']").first
    link.click()
    page.wait_for_load_state("load")
    expect(page.locator("body")).to_contain_text("count_threshold")
    screenshot(page, "ig-certificate", full_page=False)  # lists every withheld cell
    page.goto(f"{region.url}/audit")
    expect(page.locator("body")).to_contain_text("returns:return:accepted")
    screenshot(page, "ig-audit-log", full_page=False)  # thousands of entries
