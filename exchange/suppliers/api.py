"""The suppliers API: regional suppliers, and the candidate matches the regional lead decides.

- ``GET /api/v1/suppliers`` — regional suppliers (``q`` searches names), for the
  regional lead, IG officer and administrator.
- ``GET /api/v1/suppliers/candidates`` — pending candidate matches, best score first.
- ``POST /api/v1/suppliers/candidates/<id>/confirm`` and ``.../reject`` — the regional
  lead's decision (audited); roll-ups are told to rebuild once it is committed.

Data officers are refused: supplier identities are regional, built from every
authority's returns.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from exchange.accounts.auth import api_access, current_principal
from exchange.accounts.models import ADMIN, IG_OFFICER, REGIONAL_LEAD
from exchange.db import get_session
from exchange.errors import MAX_INDEX
from exchange.suppliers import decisions, queries

blp = Blueprint(
    "suppliers",
    __name__,
    url_prefix="/api/v1/suppliers",
    description="Regional supplier identities and candidate matches",
)
_BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]
_READERS = (REGIONAL_LEAD, IG_OFFICER, ADMIN)


class SupplierQuerySchema(Schema):
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "search"})
    offset = fields.Integer(validate=validate.Range(min=0, max=MAX_INDEX), load_default=0)
    limit = fields.Integer(validate=validate.Range(min=1, max=1000), load_default=100)


class SupplierSchema(Schema):
    id = fields.Integer()
    display_name = fields.String()
    cqc_location_id = fields.String(allow_none=True)
    ofsted_urn = fields.String(allow_none=True)
    org_id = fields.String(allow_none=True, metadata={"description": "Companies House etc."})
    names = fields.Integer(metadata={"description": "Distinct normalised names"})
    created_at = fields.DateTime()


class SupplierPageSchema(Schema):
    suppliers = fields.List(fields.Nested(SupplierSchema))
    total = fields.Integer()


class SideSchema(Schema):
    supplier_id = fields.Integer()
    display_name = fields.String()
    cqc_location_id = fields.String(allow_none=True)
    ofsted_urn = fields.String(allow_none=True)
    org_id = fields.String(allow_none=True)


class CandidateSchema(Schema):
    id = fields.Integer()
    score = fields.Integer(metadata={"description": "rapidfuzz score, 0-100"})
    name_example = fields.String(metadata={"description": "The name as first seen"})
    name_key = fields.String(metadata={"description": "The normalised name"})
    current = fields.Nested(SideSchema, allow_none=True)
    suggested = fields.Nested(SideSchema)
    proposed_at = fields.DateTime()


class CandidateListSchema(Schema):
    candidates = fields.List(fields.Nested(CandidateSchema))


class DecisionSchema(Schema):
    candidate_id = fields.Integer()
    status = fields.String(metadata={"description": "confirmed or rejected"})
    kept = fields.Integer(metadata={"description": "The supplier the name now belongs to"})
    merged = fields.Integer(allow_none=True, metadata={"description": "Supplier merged away"})


@blp.route("")
class Suppliers(MethodView):
    @blp.doc(security=_BEARER)
    @api_access(*_READERS)
    @blp.arguments(SupplierQuerySchema, location="query")
    @blp.response(200, SupplierPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Regional suppliers by name (merged ones are left out)."""
        found, total = queries.list_suppliers(
            get_session(), search=query.get("q"), limit=query["limit"], offset=query["offset"]
        )
        return {"suppliers": found, "total": total}


@blp.route("/candidates")
class Candidates(MethodView):
    @blp.doc(security=_BEARER)
    @api_access(*_READERS)
    @blp.response(200, CandidateListSchema)
    def get(self) -> dict[str, Any]:
        """Pending candidate matches, best score first."""
        return {"candidates": queries.pending_candidates(get_session())}


@blp.route("/candidates/<int:candidate_id>/confirm")
class Confirm(MethodView):
    @blp.doc(security=_BEARER)
    @api_access(REGIONAL_LEAD)
    @blp.response(200, DecisionSchema)
    def post(self, candidate_id: int) -> decisions.Decision:
        """Confirm a match: the name's supplier is merged into the suggested one."""
        return decide(decisions.confirm, candidate_id)


@blp.route("/candidates/<int:candidate_id>/reject")
class Reject(MethodView):
    @blp.doc(security=_BEARER)
    @api_access(REGIONAL_LEAD)
    @blp.response(200, DecisionSchema)
    def post(self, candidate_id: int) -> decisions.Decision:
        """Reject a match: the two stay apart and are not proposed again."""
        return decide(decisions.reject, candidate_id)


def decide(action: decisions.Action, candidate_id: int) -> decisions.Decision:
    """Run ``action`` (confirm or reject) for the current principal, commit, then announce."""
    session = get_session()
    decision = action(session, candidate_id, actor=current_principal().actor)
    session.commit()
    decisions.announce_change(session)
    return decision
