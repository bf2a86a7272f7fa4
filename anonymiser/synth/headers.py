"""The column headers authorities' systems write, by return type.

Each return type has a few header *dialects*, families of names one kind of
system uses ("NHS No", "Client ID", "Forename" or "NHS Number", "Person ID",
"First Name"), and one deliberately unusual dialect that no alias list would
recognise: the authority using it needs a mapping file. Field names follow the
agreed schemas v1.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

PLACEMENT_FIELDS: Final = (
    "placement_ref",
    "local_person_id",
    "nhs_number",
    "given_name",
    "family_name",
    "address",
    "postcode",
    "date_of_birth",
    "sex",
    "ethnicity",
    "notes",
    "client_type",
    "care_type",
    "primary_support_reason",
    "provider_name",
    "provider_type",
    "cqc_location_id",
    "ofsted_urn",
    "provider_org_id",
    "procurement_route",
    "start_date",
    "end_date",
    "unit_cost",
    "cost_frequency",
    "planned_units_per_week",
    "health_contribution",
    "education_contribution",
    "quality_rating",
)
SPEND_FIELDS: Final = (
    "body",
    "service_area",
    "expense_type",
    "supplier_name",
    "supplier_id",
    "payment_date",
    "transaction_number",
    "net_amount",
    "description",
)
FIELDS: Final = MappingProxyType({"placements": PLACEMENT_FIELDS, "supplier_spend": SPEND_FIELDS})


def _dialect(fields: tuple[str, ...], headers: str) -> Mapping[str, str]:
    names = [name.strip() for name in headers.split("|")]
    if len(names) != len(fields):
        raise ValueError(f"dialect has {len(names)} headers for {len(fields)} fields")
    return MappingProxyType(dict(zip(fields, names, strict=True)))


PLACEMENT_DIALECTS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "fields": MappingProxyType({name: name for name in PLACEMENT_FIELDS}),
        "short": _dialect(
            PLACEMENT_FIELDS,
            "Placement Ref | Client ID | NHS No | Forename | Surname | Address | Post Code | DOB |"
            " Gender | Ethnicity | Notes | Client Type | Service Type | PSR | Provider |"
            " Provider Type | CQC ID | Ofsted URN | Org ID | Contract Type | Start | End |"
            " Unit Cost | Frequency | Planned Units | Health Contribution |"
            " Education Contribution | CQC Rating",
        ),
        "long": _dialect(
            PLACEMENT_FIELDS,
            "Placement ID | Person ID | NHS Number | First Name | Last Name | Home Address |"
            " Postcode | Date of Birth | Sex | Ethnic Group | Comments | Client Group | Care Type |"
            " Primary Support Reason | Provider Name | Provider Sector | CQC Location ID |"
            " Ofsted URN | Organisation ID | Procurement Route | Start Date | End Date | Cost |"
            " Cost Frequency | Planned Units Per Week | Health Contribution |"
            " Education Contribution | Quality Rating",
        ),
        "package": _dialect(
            PLACEMENT_FIELDS,
            "Package ID | Service User ID | NHS No. | Forenames | Surname | Full Address |"
            " Client Postcode | Birth Date | Gender | Ethnic Origin | Case Notes |"
            " Adult or Child | Placement Type | Support Reason | Care Provider | Sector |"
            " CQC Location | URN | Organisation Identifier | Purchase Type |"
            " Service Start Date | Service End Date | Rate | Rate Frequency | Hours per Week |"
            " ICB Contribution | DSG Contribution | Rating",
        ),
        "unusual": _dialect(
            PLACEMENT_FIELDS,
            "PKG_NO | PERS_REF | NHS_NUM_TXT | FNAME | SNAME | ADDR_FULL | PCODE | BIRTH_DT |"
            " GNDR_CD | ETH_GRP_CD | CMNT_TXT | CLT_GRP | SVC_CAT_CD | PSR_CD | PRVDR_NM |"
            " PRVDR_SECT | REG_LOC_REF | OFS_REF | ORG_REF | PROC_RT | SVC_START_DT | SVC_END_DT |"
            " RATE_AMT | RATE_PER | UNITS_WK | CCG_AMT | EDU_AMT | INSP_GRD",
        ),
    }
)

SPEND_DIALECTS: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {
        "fields": MappingProxyType({name: name for name in SPEND_FIELDS}),
        "transparency": _dialect(
            SPEND_FIELDS,
            "Body Name | Service Area | Expense Type | Supplier Name | Supplier ID |"
            " Payment Date | Transaction Number | Net Amount | Description",
        ),
        "ledger": _dialect(
            SPEND_FIELDS,
            "Organisation Name | Department | Expenditure Category | Supplier | Vendor ID |"
            " Date Paid | Trans No | Amount | Purpose",
        ),
        "payables": _dialect(
            SPEND_FIELDS,
            "Body | Directorate | Expense Type | Vendor Name | Supplier Identifier | Paid Date |"
            " Transaction No | Net Amount £ | Narrative",
        ),
        "unusual": _dialect(
            SPEND_FIELDS,
            "BODY_CD | COST_CTR_DESC | GL_ACCT_DESC | VNDR_NM | VNDR_REG | PAY_DT | DOC_NO |"
            " NET_VAL | LINE_TXT",
        ),
    }
)

DIALECTS: Final = MappingProxyType(
    {"placements": PLACEMENT_DIALECTS, "supplier_spend": SPEND_DIALECTS}
)

#: Columns that are in exports but in no schema: the anonymiser must drop them.
EXTRA_COLUMNS: Final = (
    "Social Worker",
    "Team",
    "Review Date",
    "Case Status",
    "Cost Centre",
    "VAT",
    "Approved By",
)


def headers_for(
    return_type: str, dialect: str, *, renamed: Mapping[str, str], omitted: tuple[str, ...]
) -> dict[str, str]:
    """Field -> header for an export: a dialect, some fields renamed, some left out."""
    base = DIALECTS[return_type][dialect]
    kept = {field: header for field, header in base.items() if field not in omitted}
    return {field: renamed.get(field, header) for field, header in kept.items()}
