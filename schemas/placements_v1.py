"""placements, version 1: one row per care placement, as an authority exports it.

Each field states its type, whether the raw export must have it, its disclosure policy,
the header names authorities use for it, and whether its value identifies a person.
Changing anything here that changes what leaves is a new version (``placements_v2.py``),
never an edit: returns already made quote this version's policy hash.
"""

from __future__ import annotations

from schemas import code_variants as variants
from schemas import codes
from schemas.fields import Field, SharedField
from schemas.fieldtypes import (
    CQC_LOCATION_ID,
    DATE,
    LOCAL_ID,
    NHS_NUMBER,
    OFSTED_URN,
    ORG_ID,
    POSTCODE,
    CodeListType,
    Failure,
    decimal,
    money,
    text,
)
from schemas.generalise import PER_UNIT_FREQUENCIES, RULES
from schemas.policy import drop, generalise, keep, pseudonymise, redact_if_individual
from schemas.return_schema import ReturnSchema
from schemas.rules import (
    AboveWhen,
    AfterPeriodEnd,
    AgeAbove,
    BeforePeriodStart,
    CareTypeMatchesClient,
    NotBefore,
    Repeated,
    RequiredWhen,
    WeeklyCostOutside,
)

#: Weekly costs outside these bounds are queried (may be explained, never blocked).
WEEKLY_COST_HIGH = 10_000.0
WEEKLY_COST_LOW = 50.0
#: Placements with accommodation, where a weekly cost under the low bound is implausible.
ACCOMMODATION_CARE_TYPES = frozenset(
    {"residential", "nursing", "childrens_home", "residential_school"}
)


SEX = CodeListType("sexes", codes.SEXES, variants.SEX_VARIANTS)
ETHNICITY = CodeListType("ethnicities", codes.ETHNICITIES, variants.ETHNICITY_VARIANTS)
CLIENT_TYPE = CodeListType("client_types", codes.CLIENT_TYPES, variants.CLIENT_TYPE_VARIANTS)
CARE_TYPE = CodeListType("care_types", codes.CARE_TYPES, variants.CARE_TYPE_VARIANTS)
PROCUREMENT_ROUTE = CodeListType(
    "procurement_routes", codes.PROCUREMENT_ROUTES, variants.PROCUREMENT_ROUTE_VARIANTS
)
COST_FREQUENCY = CodeListType(
    "cost_frequencies", codes.COST_FREQUENCIES, variants.COST_FREQUENCY_VARIANTS
)
QUALITY_RATING = CodeListType(
    "quality_ratings", codes.QUALITY_RATINGS, variants.QUALITY_RATING_VARIANTS
)
PRIMARY_SUPPORT_REASON = CodeListType(
    "primary_support_reasons",
    codes.PRIMARY_SUPPORT_REASONS,
    variants.PRIMARY_SUPPORT_REASON_VARIANTS,
)
PROVIDER_TYPE = CodeListType(
    "provider_types", codes.PROVIDER_TYPES, variants.PROVIDER_TYPE_VARIANTS
)

FIELDS = (
    Field("placement_ref", LOCAL_ID, True, pseudonymise("placement"),
          "The authority's reference for the placement (service or package id).",
          ("Placement ID", "Placement reference", "Placement ref", "Placement number",
           "Service ID", "Package ID", "Care package ID", "Service agreement ID"),
          identifier=True),
    Field("local_person_id", LOCAL_ID, True, pseudonymise("local_person_id"),
          "The person's id in the authority's case-management system.",
          ("Person ID", "Client ID", "Child ID", "Service user ID", "Local ID", "Mosaic ID",
           "LiquidLogic ID", "LAS ID", "CareFirst ID", "Person reference", "Case number"),
          identifier=True),
    Field("nhs_number", NHS_NUMBER, False, pseudonymise("nhs_number"),
          "The person's NHS number.",
          ("NHS No", "NHS No.", "NHS Number", "NHSNumber", "NHS num"), identifier=True),
    Field("given_name", text(max_length=100), False, drop(), "The person's first name.",
          ("First name", "Forename", "Forenames", "Given name", "First names"), identifier=True),
    Field("family_name", text(max_length=100), False, drop(), "The person's surname.",
          ("Surname", "Last name", "Family name"), identifier=True),
    Field("address", text(max_length=400), False, drop(), "The person's address.",
          ("Address", "Address line 1", "Home address", "Full address", "Street"),
          identifier=True),
    Field("postcode", POSTCODE, False, generalise("district"), "The person's home postcode.",
          ("Postcode", "Post code", "Postal code", "Home postcode", "Client postcode"),
          identifier=True, generalised_as="district"),
    Field("date_of_birth", DATE, True, generalise("age_band"), "The person's date of birth.",
          ("DOB", "D.O.B.", "Date of birth", "Birth date", "Birthdate"),
          identifier=True, generalised_as="age_band"),
    Field("sex", SEX, False, keep(),
          "The person's sex or gender as recorded.", ("Sex", "Gender")),
    Field("ethnicity", ETHNICITY,
          False, keep(), "The person's ethnic group (top-level census group).",
          ("Ethnicity", "Ethnic group", "Ethnic origin")),
    Field("notes", text(max_length=None, single_line=False), False, drop(),
          "Free-text notes; never leaves the authority.",
          ("Notes", "Comments", "Case notes", "Remarks"), identifier=True),
    Field("client_type", CLIENT_TYPE,
          True, keep(), "Adult or children's social care.",
          ("Client type", "Client group", "Adult or child")),
    Field("care_type", CARE_TYPE,
          True, keep(), "The kind of care placement (CLD service type or S251 placement type).",
          ("Care type", "Service type", "Placement type", "Support type", "Service")),
    Field("primary_support_reason",
          PRIMARY_SUPPORT_REASON,
          False, keep(), "The person's primary support reason (CLD categories).",
          ("Primary support reason", "PSR", "Support reason")),
    Field("provider_name", text(max_length=200), True, redact_if_individual(),
          "The provider's name as the authority records it.",
          ("Provider", "Provider name", "Supplier", "Supplier name", "Care provider")),
    Field("provider_type", PROVIDER_TYPE,
          False, keep(), "The provider's sector.", ("Provider type", "Sector", "Provider sector")),
    Field("cqc_location_id", CQC_LOCATION_ID, False, keep(),
          "The CQC location id of the service (adult care).",
          ("CQC location ID", "CQC ID", "CQC location", "Location ID")),
    Field("ofsted_urn", OFSTED_URN, False, keep(),
          "The Ofsted unique reference number of the setting (children's care).",
          ("Ofsted URN", "URN", "Ofsted number", "Ofsted ID")),
    Field("provider_org_id", ORG_ID, False, keep(),
          "The provider's Companies House (GB-COH-) or charity (GB-CHC-) number.",
          ("Provider org ID", "Organisation ID", "Org ID", "Organisation identifier",
           "Provider organisation ID")),
    Field("procurement_route",
          PROCUREMENT_ROUTE,
          True, keep(), "How the placement was bought: framework, spot or block.",
          ("Procurement route", "Contract type", "Purchase type", "Commissioning route")),
    Field("start_date", DATE, True, generalise("month"), "The day the placement started.",
          ("Start date", "Placement start", "Placement start date", "Service start date",
           "Date started", "Start"),
          generalised_as="start_month"),
    Field("end_date", DATE, False, generalise("month"),
          "The day the placement ended (empty while it continues).",
          ("End date", "Placement end", "Placement end date", "Service end date", "Date ended",
           "End"),
          generalised_as="end_month"),
    Field("unit_cost", money(non_negative=True), True, keep(),
          "The price per unit, in pounds, for the cost frequency given.",
          ("Unit cost", "Cost", "Rate", "Unit price", "Price", "Cost per unit", "Weekly cost")),
    Field("cost_frequency",
          COST_FREQUENCY,
          True, keep(), "The unit the cost is for (CLD cost frequency).",
          ("Cost frequency", "Frequency", "Unit type", "Cost unit", "Rate frequency")),
    Field("planned_units_per_week", decimal(minimum=0), False, keep(),
          "Planned hours or days a week, for hourly and daily rates.",
          ("Planned units per week", "Units per week", "Hours per week", "Planned hours",
           "Weekly hours", "Planned units")),
    Field("health_contribution", money(non_negative=True), False, keep(),
          "The NHS share of the cost, in pounds, for the same frequency.",
          ("Health contribution", "NHS contribution", "CCG contribution", "ICB contribution",
           "Health funding")),
    Field("education_contribution", money(non_negative=True), False, keep(),
          "The education share of the cost, in pounds, for the same frequency.",
          ("Education contribution", "Education funding", "DSG contribution")),
    Field("quality_rating",
          QUALITY_RATING,
          False, keep(), "The provider's latest CQC or Ofsted overall rating.",
          ("Quality rating", "CQC rating", "Ofsted rating", "Overall rating", "Rating")),
)  # fmt: skip

WEEKLY_COST = SharedField(
    "weekly_cost",
    RULES["weekly_cost"].output,
    False,
    generalise("weekly_cost"),
    ("unit_cost", "cost_frequency", "planned_units_per_week"),
    "Cost per week in pounds: unit cost x weeks factor, or x planned units for hourly and "
    "daily rates; empty for one-off payments.",
)


def _query(code: str, message: str, hint: str) -> Failure:
    return Failure(code, message, hint, severity="query")


END_BEFORE_START = Failure(
    "end_date.before_start",
    "The placement ends before it starts",
    "Check the start and end dates; dates are read day first (31/03/2024).",
)
CARE_TYPE_CLIENT = Failure(
    "care_type.client_type_mismatch",
    "The care type does not match the client type (an adults' service for a child, or a "
    "children's placement for an adult)",
    "Check both: foster care, children's homes, residential schools and supported "
    "accommodation go with client type child; the others with adult.",
)
UNITS_NEEDED = Failure(
    "planned_units_per_week.required",
    "Hourly and daily rates need the planned units per week",
    "Give the planned hours (or days) a week, so that the weekly cost can be worked out.",
)
UNITS_PER_WEEK_LIMITS = {"hourly": 168.0, "daily": 7.0}

RULES_RAW = (
    NotBefore("end_date", "start_date", END_BEFORE_START, field="end_date"),
    CareTypeMatchesClient(CARE_TYPE_CLIENT),
    RequiredWhen("planned_units_per_week", "cost_frequency", PER_UNIT_FREQUENCIES, UNITS_NEEDED),
    AboveWhen(
        "planned_units_per_week",
        "cost_frequency",
        UNITS_PER_WEEK_LIMITS,
        _query(
            "planned_units_per_week.implausible",
            "More units a week than there are hours (168) or days (7) in a week",
            "Check the planned units: they are per week, not per month or per year.",
        ),
    ),
    WeeklyCostOutside(
        "unit_cost",
        WEEKLY_COST_HIGH,
        True,
        _query(
            "unit_cost.weekly_cost_high",
            "The weekly cost works out above £10,000",
            "Check the unit cost and its frequency (an annual cost marked weekly?); if it is "
            "right, explain it when you submit.",
        ),
    ),
    WeeklyCostOutside(
        "unit_cost",
        WEEKLY_COST_LOW,
        False,
        _query(
            "unit_cost.weekly_cost_low",
            "The weekly cost of a placement with accommodation works out below £50",
            "Check the unit cost and its frequency (a weekly cost marked annual?); if it is "
            "right, explain it when you submit.",
        ),
        care_types=ACCOMMODATION_CARE_TYPES,
    ),
    AfterPeriodEnd(
        "start_date",
        _query(
            "start_date.after_period",
            "The placement starts after the end of the return period",
            "Check the start date; a placement not yet started belongs in a later return.",
        ),
    ),
    BeforePeriodStart(
        "end_date",
        _query(
            "end_date.before_period",
            "The placement ended before the return period began",
            "Check the end date; a placement that had already ended belongs in an earlier return.",
        ),
    ),
    AfterPeriodEnd(
        "date_of_birth",
        Failure(
            "date_of_birth.after_period",
            "The date of birth is after the end of the return period",
            "Check the date of birth; dates are read day first (31/03/2024).",
        ),
    ),
    NotBefore(
        "start_date",
        "date_of_birth",
        _query(
            "date_of_birth.after_start",
            "The date of birth is after the placement started",
            "Check both dates; explain it if the placement began before the birth.",
        ),
        field="date_of_birth",
    ),
    AgeAbove(
        "date_of_birth",
        110,
        _query(
            "date_of_birth.age_over_110",
            "The person would be over 110 at the end of the period",
            "Check the date of birth; a placeholder such as 01/01/1900 should be left empty.",
        ),
    ),
    Repeated(
        "placement_ref",
        _query(
            "placement_ref.repeated",
            "The placement reference appears on more than one row",
            "Remove repeated rows; if the rows are different placements, give them different "
            "references.",
        ),
    ),
)

RULES_SHARED = (
    NotBefore("end_month", "start_month", END_BEFORE_START, field="end_month"),
    CareTypeMatchesClient(CARE_TYPE_CLIENT),
    RequiredWhen("planned_units_per_week", "cost_frequency", PER_UNIT_FREQUENCIES, UNITS_NEEDED),
)

SCHEMA = ReturnSchema(
    return_type="placements",
    version=1,
    description="One row per care placement: who is placed (pseudonymised), in what care, "
    "with which provider, bought how, and at what cost.",
    fields=FIELDS,
    derived=(WEEKLY_COST,),
    rules=RULES_RAW,
    shared_rules=RULES_SHARED,
    quasi_identifiers=(
        "age_band",
        "sex",
        "ethnicity",
        "district",
        "care_type",
        "provider_name",
        "start_month",
    ),
    k_threshold=5,
)
