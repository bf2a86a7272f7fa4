"""The tables a period's regional picture publishes, by name, with their titles.

Pages, the API and downloads name tables by these keys; the compute modules build
exactly these (a test checks). Kept apart from the compute code so the web layer can
import it without pandas.
"""

from __future__ import annotations

from collections.abc import Mapping

SUPPLIER_PICTURE = "supplier_picture"
SUPPLIER_CONCENTRATION = "supplier_concentration"
SPEND_BY_AUTHORITY = "spend_by_authority"
PLACEMENTS_BY_CARE_TYPE = "placements_by_care_type"
PLACEMENTS_BY_AUTHORITY = "placements_by_authority"
PLACEMENTS_BY_ROUTE = "placements_by_route"
SUPPLIER_COSTS = "supplier_costs"
BENCHMARKS = "benchmarks"
SAVINGS = "savings"
FAIR_PRICE = "fair_price"
QUALITY_VALUE = "quality_value"
PEOPLE_ACROSS_AUTHORITIES = "people_across_authorities"
COMPLETENESS = "completeness"

#: Every published table of a period, in the order pages list them.
TABLES: Mapping[str, str] = {
    SUPPLIER_PICTURE: "Supplier picture: spend, buyers, placements and weekly costs",
    SUPPLIER_COSTS: "Supplier weekly costs per care type, and the spread between authorities",
    SUPPLIER_CONCENTRATION: "Supplier concentration per care type (top-5 share, HHI)",
    SPEND_BY_AUTHORITY: "Supplier spend by authority and service area",
    PLACEMENTS_BY_CARE_TYPE: "Placements and weekly costs by care type and support reason",
    PLACEMENTS_BY_AUTHORITY: "Placements by authority and care type",
    PLACEMENTS_BY_ROUTE: "Placements and weekly costs by care type and procurement route",
    BENCHMARKS: "Benchmarks: each authority's median weekly cost against the region",
    SAVINGS: "Savings potential per authority, per week and per year",
    FAIR_PRICE: "Fair price guide: regional weekly price range",
    QUALITY_VALUE: "Price per unit of quality: providers ranked and banded",
    PEOPLE_ACROSS_AUTHORITIES: "People placed by more than one authority (counts only)",
    COMPLETENESS: "Returns completeness for the period",
}

#: Tables that name suppliers next to what they are paid or charge (commercially
#: sensitive: regional lead, IG officer and admin only).
SUPPLIER_TABLES = frozenset(
    {SUPPLIER_PICTURE, SUPPLIER_COSTS, SUPPLIER_CONCENTRATION, QUALITY_VALUE}
)

#: Benchmark bands: where an authority's median falls against the regional quartiles.
BANDS = ("below lower quartile", "lower-middle", "upper-middle", "above upper quartile")
#: Price per unit of quality bands.
QUALITY_BANDS = ("preferred", "reserve preferred", "other")
