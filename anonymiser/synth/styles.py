"""How each authority's systems export their returns: format, headers and the mess.

A :class:`ExportStyle` says what one export looks like (CSV or XLSX, headers,
preamble rows, date and money formats, identifier damage, blank rows...). An
:class:`AuthorityProfile` holds the two exports of one authority and the habits
of its systems (how local ids look, the usual cost frequency). The table at
the bottom is deliberately varied: no two authorities export alike, and one
(Lincolnshire) uses headers so unusual that it needs a mapping file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from anonymiser.synth.errors import UnknownAuthority
from anonymiser.synth.headers import DIALECTS, headers_for
from anonymiser.synth.identifiers import LocalIdStyle
from schemas.geography import AUTHORITIES

Format = Literal["csv", "xlsx"]
RETURN_TYPES: Final = ("placements", "supplier_spend")


@dataclass(frozen=True)
class ExportStyle:
    """What one export file looks like."""

    fmt: Format
    headers: Mapping[str, str]  # field -> header; file order unless ``shuffle``
    extras: tuple[str, ...] = ()  # columns no schema knows
    preamble: tuple[str, ...] = ()  # lines above the header; ``{run_date}`` etc. filled in
    encoding: str = "utf-8"
    dates: str = "iso"  # iso | uk | mon | long | iso_datetime | serial | excel
    money: str = "plain"  # plain | pound | thousands | native
    credits: str = "minus"  # minus | brackets
    codes: str = "code"  # code | label | system
    nhs_damage: str = "none"  # none | float | spaces | number
    id_damage: str = "none"  # none | lower | strip_zeros
    blank_rows: bool = False
    trailing_spaces: bool = False
    shuffle: bool = False
    mapping: bool = False
    planted_errors: bool = False
    footer_total: bool = False
    sheet: str = "Sheet1"

    def as_format(self, fmt: Format) -> ExportStyle:
        """The same export saved as another format."""
        return dataclasses.replace(self, fmt=fmt)


def clean_style(return_type: str, fmt: Format) -> ExportStyle:
    """An export with no mess: schema field names as headers, ISO dates, plain amounts."""
    return ExportStyle(fmt=fmt, headers=dict(DIALECTS[return_type]["fields"]))


@dataclass(frozen=True)
class AuthorityProfile:
    """One authority's systems: their habits and the two exports they produce."""

    code: str
    slug: str
    local_ids: LocalIdStyle
    placement_prefix: str
    transaction_prefix: str
    frequency: str  # how weekly-priced care is costed
    placements: ExportStyle
    supplier_spend: ExportStyle
    weekly_only: bool = False  # everything costed per week, hourly care included
    body_as_code: bool = False

    @property
    def name(self) -> str:
        """The authority's name, as the region lists it."""
        return AUTHORITIES[self.code]

    def style(self, return_type: str) -> ExportStyle:
        """The export style of one return type."""
        return self.placements if return_type == "placements" else self.supplier_spend


def _placements(
    dialect: str, renamed: Mapping[str, str] | None = None, omitted: tuple[str, ...] = ()
) -> dict[str, str]:
    return headers_for("placements", dialect, renamed=renamed or {}, omitted=omitted)


def _spend(
    dialect: str, renamed: Mapping[str, str] | None = None, omitted: tuple[str, ...] = ()
) -> dict[str, str]:
    return headers_for("supplier_spend", dialect, renamed=renamed or {}, omitted=omitted)


_TITLE = "{council} - {report}"
_RUN = "Run date: {run_date}"

PROFILES: Final[Mapping[str, AuthorityProfile]] = MappingProxyType(
    {
        profile.code: profile
        for profile in (
            AuthorityProfile(
                code="E06000015",
                slug="derby",
                local_ids=LocalIdStyle("D", 7),
                placement_prefix="PL",
                transaction_prefix="INV",
                frequency="weekly",
                placements=ExportStyle(
                    fmt="csv",
                    headers=_placements("short"),
                    extras=("Social Worker",),
                    preamble=(_TITLE, _RUN, ""),
                    dates="uk",
                    money="pound",
                    codes="system",
                    nhs_damage="float",
                    blank_rows=True,
                    planted_errors=True,
                ),
                supplier_spend=ExportStyle(
                    fmt="xlsx",
                    headers=_spend("transparency"),
                    dates="excel",
                    money="native",
                    sheet="Payments over 500",
                ),
            ),
            AuthorityProfile(
                code="E06000016",
                slug="leicester",
                local_ids=LocalIdStyle("", 6, width=8),
                placement_prefix="",
                transaction_prefix="",
                frequency="weekly",
                placements=ExportStyle(
                    fmt="xlsx",
                    headers=_placements("long"),
                    extras=("Team",),
                    dates="excel",
                    money="native",
                    codes="label",
                    nhs_damage="number",
                    id_damage="strip_zeros",
                    shuffle=True,
                ),
                supplier_spend=ExportStyle(
                    fmt="csv",
                    headers=_spend("ledger"),
                    preamble=(_TITLE, ""),
                    dates="uk",
                    money="thousands",
                    credits="brackets",
                ),
            ),
            AuthorityProfile(
                code="E06000017",
                slug="rutland",
                local_ids=LocalIdStyle("RCC", 5),
                placement_prefix="RUT/",
                transaction_prefix="RCC",
                frequency="four_weekly",
                placements=ExportStyle(
                    fmt="csv",
                    headers=_placements(
                        "short",
                        renamed={"unit_cost": "Unit Cost £"},
                        omitted=("ofsted_urn", "provider_org_id", "education_contribution"),
                    ),
                    preamble=(_TITLE, ""),
                    nhs_damage="spaces",
                    id_damage="lower",
                    trailing_spaces=True,
                ),
                supplier_spend=ExportStyle(
                    fmt="csv",
                    headers=_spend("transparency", omitted=("supplier_id",)),
                    dates="mon",
                    money="pound",
                    planted_errors=True,
                ),
            ),
            AuthorityProfile(
                code="E06000018",
                slug="nottingham",
                local_ids=LocalIdStyle("NCC", 6, "-"),
                placement_prefix="SA",
                transaction_prefix="AP",
                frequency="weekly",
                placements=ExportStyle(
                    fmt="xlsx",
                    headers=_placements("package"),
                    extras=("Social Worker", "Team"),
                    preamble=(
                        "{council_upper}",
                        "Report: Active placements {start} to {end}",
                        _RUN,
                        "",
                    ),
                    dates="mon",
                    money="pound",
                    codes="system",
                    blank_rows=True,
                    sheet="Placements",
                ),
                supplier_spend=ExportStyle(
                    fmt="xlsx",
                    headers=_spend("payables"),
                    preamble=(_TITLE, _RUN, ""),
                    dates="excel",
                    money="native",
                    footer_total=True,
                    blank_rows=True,
                ),
            ),
            AuthorityProfile(
                code="E10000007",
                slug="derbyshire",
                local_ids=LocalIdStyle("DBY", 7),
                placement_prefix="DCC",
                transaction_prefix="",
                frequency="four_weekly",
                placements=ExportStyle(
                    fmt="csv",
                    headers=_placements("long", renamed={"unit_cost": "Unit Cost"}),
                    preamble=(
                        "{council}",
                        "Placements extract",
                        "Parameters: period {period}",
                        _RUN,
                        "",
                    ),
                    encoding="cp1252",
                    money="thousands",
                    nhs_damage="float",
                ),
                supplier_spend=ExportStyle(
                    fmt="csv",
                    headers=_spend("ledger", renamed={"net_amount": "Net Amount £"}),
                    encoding="cp1252",
                    dates="uk",
                    money="pound",
                    credits="brackets",
                ),
            ),
            AuthorityProfile(
                code="E10000018",
                slug="leicestershire",
                local_ids=LocalIdStyle("LCC", 7),
                placement_prefix="LCC-PL",
                transaction_prefix="LCC",
                frequency="weekly",
                placements=ExportStyle(
                    fmt="csv",
                    headers=_placements("long", omitted=("address",)),
                    extras=("Review Date",),
                    encoding="utf-8-sig",
                    dates="iso_datetime",
                    codes="label",
                    id_damage="lower",
                    shuffle=True,
                ),
                supplier_spend=ExportStyle(
                    fmt="csv",
                    headers=_spend("transparency"),
                    encoding="utf-8-sig",
                    dates="iso",
                    money="plain",
                    shuffle=True,
                ),
            ),
            AuthorityProfile(
                code="E10000019",
                slug="lincolnshire",
                local_ids=LocalIdStyle("", 7),
                placement_prefix="",
                transaction_prefix="",
                frequency="annual",
                placements=ExportStyle(
                    fmt="csv",
                    headers=_placements("unusual"),
                    extras=("TEAM_NM",),
                    mapping=True,
                    dates="iso",
                    money="plain",
                ),
                supplier_spend=ExportStyle(
                    fmt="csv",
                    headers=_spend("unusual"),
                    mapping=True,
                    dates="iso",
                ),
            ),
            AuthorityProfile(
                code="E10000024",
                slug="nottinghamshire",
                local_ids=LocalIdStyle("NC", 7),
                placement_prefix="CP",
                transaction_prefix="",
                frequency="four_weekly",
                placements=ExportStyle(
                    fmt="xlsx",
                    headers=_placements("short", renamed={"unit_cost": "Cost"}),
                    extras=("Case Status",),
                    preamble=("Care packages report", _RUN, ""),
                    dates="excel",
                    money="native",
                    nhs_damage="spaces",
                    sheet="Report",
                ),
                supplier_spend=ExportStyle(
                    fmt="csv",
                    headers=_spend("payables", omitted=("supplier_id",)),
                    extras=("Cost Centre",),
                    dates="long",
                    money="pound",
                ),
            ),
            AuthorityProfile(
                code="E06000061",
                slug="north-northamptonshire",
                local_ids=LocalIdStyle("NN", 6),
                placement_prefix="NNC",
                transaction_prefix="NNC",
                frequency="weekly",
                weekly_only=True,
                body_as_code=True,
                placements=ExportStyle(
                    fmt="csv",
                    headers=_placements(
                        "package",
                        renamed={"unit_cost": "Weekly Cost"},
                        omitted=("primary_support_reason",),
                    ),
                    preamble=("{council}", "Placements {period}", ""),
                    dates="mon",
                    money="pound",
                    codes="label",
                    blank_rows=True,
                ),
                supplier_spend=ExportStyle(
                    fmt="csv",
                    headers=_spend("transparency", renamed={"body": "Body"}),
                    extras=("VAT",),
                    dates="mon",
                    money="thousands",
                    credits="brackets",
                ),
            ),
            AuthorityProfile(
                code="E06000062",
                slug="west-northamptonshire",
                local_ids=LocalIdStyle("WNC", 6),
                placement_prefix="WN",
                transaction_prefix="WNC",
                frequency="weekly",
                placements=ExportStyle(
                    fmt="xlsx",
                    headers=_placements("long", renamed={"nhs_number": "NHS No"}),
                    extras=("Approved By",),
                    dates="uk",
                    money="pound",
                    codes="system",
                    blank_rows=True,
                    trailing_spaces=True,
                    planted_errors=True,
                ),
                supplier_spend=ExportStyle(
                    fmt="xlsx",
                    headers=_spend("ledger"),
                    dates="serial",
                    money="plain",
                    trailing_spaces=True,
                ),
            ),
        )
    }
)


def profile_of(authority: str) -> AuthorityProfile:
    """The profile of an authority, by ONS code, name or slug."""
    wanted = authority.strip().lower()
    for profile in PROFILES.values():
        if wanted in (profile.code.lower(), profile.name.lower(), profile.slug):
            return profile
    raise UnknownAuthority(
        f"{authority!r} is not one of the region's authorities: use an ONS code such as "
        f"E06000015 or a name such as Derby ({', '.join(AUTHORITIES.values())})."
    )
