"""Providers are shared across the region, named and priced differently by each authority."""

from __future__ import annotations

import statistics
from collections import defaultdict

from anonymiser.synth.providers import region_providers
from schemas.codes import WEEKLY_FACTOR

Records = dict[str, list[dict[str, str]]]
SEED = 2026


def _weekly(row: dict[str, str]) -> float | None:
    factor = WEEKLY_FACTOR.get(row["cost_frequency"], 0.0)
    if row["cost_frequency"] in ("hourly", "daily"):
        return float(row["unit_cost"]) * float(row["planned_units_per_week"])
    return float(row["unit_cost"]) * factor if factor else None


def test_the_region_has_forty_providers_with_registrations() -> None:
    """Forty providers, each with an organisation id and the regulator's id that fits it."""
    providers = region_providers(SEED)
    assert len(providers) == 40
    for provider in providers:
        assert provider.org_id
        assert provider.org_id.startswith(("GB-COH-", "GB-CHC-"))
        if provider.cqc_location_id:
            digits = provider.cqc_location_id.removeprefix("1-")
            assert digits.isdigit()
            assert 9 <= len(digits) <= 10
        if "childrens_home" in provider.care_types:
            assert provider.ofsted_urn
            assert provider.ofsted_urn.startswith("SC")
            assert len(provider.ofsted_urn) == 8


def test_providers_serve_several_authorities_under_varied_names(clean_placements: Records) -> None:
    """Most providers appear in several authorities, and some under different names."""
    authorities: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for code, rows in clean_placements.items():
        for row in rows:
            if row["provider_org_id"]:
                authorities[row["provider_org_id"]].add(code)
                names[row["provider_org_id"]].add(row["provider_name"])
    assert sum(1 for codes in authorities.values() if len(codes) >= 3) >= 20
    assert sum(1 for variants in names.values() if len(variants) >= 2) >= 10
    assert "Alphatrack Care Ltd" in names[region_providers(SEED)[0].org_id or ""]


def test_authorities_pay_the_same_provider_different_prices(clean_placements: Records) -> None:
    """For a provider's residential care, the median weekly price differs between authorities."""
    prices: dict[tuple[str, str], list[float]] = defaultdict(list)
    for code, rows in clean_placements.items():
        for row in rows:
            weekly = _weekly(row)
            if row["care_type"] == "residential" and row["provider_org_id"] and weekly:
                prices[(row["provider_org_id"], code)].append(weekly)
    by_provider: dict[str, list[float]] = defaultdict(list)
    for (provider, _), values in prices.items():
        if len(values) >= 2:
            by_provider[provider].append(statistics.median(values))
    spreads = [max(m) / min(m) for m in by_provider.values() if len(m) >= 3]
    assert spreads
    assert statistics.median(spreads) > 1.1


def test_framework_prices_sit_below_spot_prices(clean_placements: Records) -> None:
    """Across the region, framework placements cost less a week than spot placements."""
    by_route: dict[str, list[float]] = defaultdict(list)
    for rows in clean_placements.values():
        for row in rows:
            weekly = _weekly(row)
            if row["care_type"] in ("residential", "nursing") and weekly:
                by_route[row["procurement_route"]].append(weekly)
    ratio = statistics.median(by_route["framework"]) / statistics.median(by_route["spot"])
    assert 0.7 < ratio < 0.9


def test_weekly_costs_are_realistic_for_each_care_type(clean_placements: Records) -> None:
    """Median weekly costs fall in the ranges commissioners know (children's homes dearest)."""
    weekly: dict[str, list[float]] = defaultdict(list)
    for rows in clean_placements.values():
        for row in rows:
            value = _weekly(row)
            if value:
                weekly[row["care_type"]].append(value)
    expected = {
        "residential": (650, 1_200),
        "nursing": (850, 1_500),
        "home_care": (150, 700),
        "childrens_home": (3_800, 7_500),
        "in_house_foster": (330, 520),
    }
    for care_type, (low, high) in expected.items():
        assert low < statistics.median(weekly[care_type]) < high, care_type


def test_some_providers_are_private_individuals(clean_placements: Records) -> None:
    """Foster and shared lives carers are individuals, named with a title."""
    carers = [
        r["provider_name"]
        for rows in clean_placements.values()
        for r in rows
        if r["provider_type"] == "individual"
    ]
    assert carers
    assert all(name.startswith(("Mr ", "Mrs ", "Ms ", "Miss ", "Mr & Mrs ")) for name in carers)


def test_spend_pays_providers_companies_and_individuals(clean_spend: Records) -> None:
    """Spend lines are over £500 (credits aside) and name providers, companies and people."""
    for rows in clean_spend.values():
        amounts = [float(r["net_amount"]) for r in rows]
        assert all(abs(amount) > 500 for amount in amounts)
        assert any(amount < 0 for amount in amounts)
        suppliers = {r["supplier_name"] for r in rows}
        assert any(s.startswith(("Mr ", "Mrs ", "Ms ", "Miss ")) for s in suppliers)
        assert any(s.endswith((" Ltd", " Limited", " plc", " LLP")) for s in suppliers)
        assert all(r["payment_date"].startswith("2026-0") for r in rows)
