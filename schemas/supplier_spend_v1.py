"""supplier_spend, version 1: payment lines as councils publish them (transparency code).

One row per transaction: who was paid, when, how much, for what. Some "suppliers" are
private individuals (carers, foster carers, personal assistants, sole traders such as
"Mr J Smith"): their names never leave the authority. A new version is a new module
(``supplier_spend_v2.py``); this one stays readable for returns made under it.
"""

from __future__ import annotations

from schemas.fields import Field
from schemas.fieldtypes import (
    DATE,
    ONS_CODE,
    SUPPLIER_ID,
    EitherType,
    Failure,
    money,
    text,
)
from schemas.policy import drop, generalise, keep, redact_if_individual
from schemas.return_schema import ReturnSchema
from schemas.rules import AfterPeriodEnd, BeforePeriodStart

BODY = EitherType(
    "body",
    (ONS_CODE, text(max_length=200)),
    Failure(
        "body.format",
        "The body is not an ONS code or a name",
        "Give the council's name or its ONS code (E06000015).",
    ),
)

FIELDS = (
    Field("body", BODY, False, keep(),
          "The paying body: its name or ONS code (the envelope names the authority too).",
          ("Body", "Body name", "Organisation name", "Authority", "Local authority", "Council")),
    Field("service_area", text(max_length=200), False, keep(),
          "The service area or department that made the payment.",
          ("Service area", "Service area categorisation", "Department", "Directorate",
           "Service division", "Service")),
    Field("expense_type", text(max_length=200), False, keep(),
          "The expense type or category of the payment.",
          ("Expense type", "Expenses type", "Expense category", "Expenditure category",
           "Category", "Purchase category", "Account description")),
    Field("supplier_name", text(max_length=200), True, redact_if_individual(),
          "Who was paid, as the finance system names them.",
          ("Supplier name", "Supplier", "Vendor", "Vendor name", "Payee", "Beneficiary",
           "Merchant name")),
    Field("supplier_id", SUPPLIER_ID, False, keep(),
          "The supplier's organisation id (GB-COH-/GB-CHC-) or CQC location id.",
          ("Supplier ID", "Supplier identifier", "Vendor ID", "Supplier org ID")),
    Field("payment_date", DATE, False, generalise("month"),
          "The day of payment (when missing, the return period stands in).",
          ("Payment date", "Date", "Date paid", "Paid date", "Transaction date"),
          generalised_as="payment_month"),
    Field("transaction_number", text(max_length=100), False, keep(),
          "The finance system's transaction or document number.",
          ("Transaction number", "Transaction no", "Trans no", "Transaction ID", "Reference",
           "Document number", "Payment reference", "Invoice number")),
    Field("net_amount", money(), True, keep(),
          "The amount paid excluding VAT, in pounds (credits negative).",
          ("Net amount", "Amount", "Net", "Net value", "Value", "Amount (£)",
           "Invoice nett amount", "Sum of invoice nett amount")),
    Field("description", text(max_length=None, single_line=False), False, drop(),
          "Free-text purpose of the payment; may name people, so it never leaves.",
          ("Description", "Purpose", "Narrative", "Details", "Purpose of expenditure"),
          identifier=True),
)  # fmt: skip


def _query(code: str, message: str, hint: str) -> Failure:
    return Failure(code, message, hint, severity="query")


SCHEMA = ReturnSchema(
    return_type="supplier_spend",
    version=1,
    description="One row per payment to a supplier: who was paid, when, how much and for what.",
    fields=FIELDS,
    rules=(
        AfterPeriodEnd(
            "payment_date",
            _query(
                "payment_date.after_period",
                "The payment date is after the end of the return period",
                "Check the date; payments after the period belong in a later return.",
            ),
        ),
        BeforePeriodStart(
            "payment_date",
            _query(
                "payment_date.before_period",
                "The payment date is before the start of the return period",
                "Check the date; payments before the period belong in an earlier return.",
            ),
        ),
    ),
    quasi_identifiers=("supplier_name", "payment_month"),
    k_threshold=5,
)
