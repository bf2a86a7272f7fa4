"""The audit API: the latest checkpoint, proofs between checkpoints, and entries.

Any authenticated caller may fetch checkpoints and proofs (they reveal only hashes).
Entries are for the IG officer and the administrator; a data officer sees only their
own authority's, and asking for another's is refused and audited.
"""

from __future__ import annotations

import base64
from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from exchange.accounts.auth import api_access, current_principal, require_authority
from exchange.accounts.models import ADMIN, DATA_OFFICER, IG_OFFICER
from exchange.audit import services
from exchange.audit.checkpoints import latest_checkpoint
from exchange.config import current_settings
from exchange.db import get_session
from exchange.errors import MAX_INDEX, PLAIN_TEXT

blp = Blueprint(
    "audit", __name__, url_prefix="/api/v1/audit", description="The tamper-evident audit log"
)
_BEARER: list[dict[str, list[str]]] = [{"bearerAuth": []}]


class CheckpointSchema(Schema):
    tree_size = fields.Integer()
    root_hash = fields.String(metadata={"description": "base64 SHA-256 Merkle root"})
    signed_at = fields.DateTime()
    note = fields.String(metadata={"description": "The C2SP signed checkpoint, verbatim"})


class ConsistencyQuerySchema(Schema):
    from_ = fields.Integer(data_key="from", required=True, validate=validate.Range(0, MAX_INDEX))
    to = fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_INDEX))


class ConsistencySchema(Schema):
    from_ = fields.Integer(data_key="from")
    to = fields.Integer()
    proof = fields.List(fields.String(), metadata={"description": "base64 hashes, RFC 9162"})


class InclusionQuerySchema(Schema):
    index = fields.Integer(required=True, validate=validate.Range(min=0, max=MAX_INDEX))
    size = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_INDEX))


class InclusionSchema(Schema):
    index = fields.Integer()
    tree_size = fields.Integer()
    leaf_hash = fields.String(metadata={"description": "hex SHA-256 of 0x00 || body"})
    proof = fields.List(fields.String())


class EntryQuerySchema(Schema):
    authority = fields.String(validate=[validate.Length(max=9), PLAIN_TEXT])
    actor = fields.String(validate=[validate.Length(max=100), PLAIN_TEXT])
    action = fields.String(
        validate=[validate.Length(max=100), PLAIN_TEXT],
        metadata={"description": "tag or tag prefix"},
    )
    since = fields.DateTime(metadata={"description": "ISO 8601; UTC when no zone is given"})
    until = fields.DateTime()
    before = fields.Integer(
        validate=validate.Range(min=0, max=MAX_INDEX), metadata={"description": "paging"}
    )
    limit = fields.Integer(validate=validate.Range(min=1, max=1000))


class EntrySchema(Schema):
    index = fields.Integer()
    recorded_at = fields.DateTime()
    tag = fields.String()
    actor = fields.String()
    authority = fields.String(allow_none=True)
    object = fields.String(allow_none=True)
    details = fields.Dict()
    leaf_hash = fields.String()
    body = fields.String(metadata={"description": "The exact bytes hashed into the log"})


class EntryPageSchema(Schema):
    entries = fields.List(fields.Nested(EntrySchema))
    next_before = fields.Integer(allow_none=True)


@blp.route("/checkpoint")
class LatestCheckpoint(MethodView):
    @blp.doc(security=_BEARER)
    @blp.response(200, CheckpointSchema)
    @api_access()
    def get(self) -> dict[str, Any]:
        """The most recent checkpoint the hub signed."""
        checkpoint = latest_checkpoint(get_session())
        return {
            "tree_size": checkpoint.tree_size,
            "root_hash": base64.b64encode(checkpoint.root_hash).decode("ascii"),
            "signed_at": checkpoint.signed_at,
            "note": checkpoint.note,
        }


@blp.route("/consistency")
class Consistency(MethodView):
    @blp.doc(security=_BEARER)
    @api_access()
    @blp.arguments(ConsistencyQuerySchema, location="query")
    @blp.response(200, ConsistencySchema)
    def get(self, query: dict[str, int]) -> dict[str, Any]:
        """Proof that the log at ``to`` extends the log at ``from`` (both signed sizes)."""
        return services.consistency(get_session(), size1=query["from_"], size2=query["to"])


@blp.route("/inclusion")
class Inclusion(MethodView):
    @blp.doc(security=_BEARER)
    @api_access()
    @blp.arguments(InclusionQuerySchema, location="query")
    @blp.response(200, InclusionSchema)
    def get(self, query: dict[str, int]) -> dict[str, Any]:
        """Proof that entry ``index`` is in the log of signed size ``size``."""
        return services.inclusion(get_session(), index=query["index"], size=query["size"])


@blp.route("/entries")
class Entries(MethodView):
    @blp.doc(security=_BEARER)
    @api_access(IG_OFFICER, ADMIN, DATA_OFFICER)
    @blp.arguments(EntryQuerySchema, location="query")
    @blp.response(200, EntryPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Entries, newest first; a data officer sees their own authority's only."""
        principal = current_principal()
        if principal.role == DATA_OFFICER:
            require_authority(principal, query.setdefault("authority", principal.authority or ""))
        limit = query.pop("limit", current_settings().audit_page_size)
        before = query.pop("before", None)
        entries = services.search_entries(
            get_session(), filters=services.EntryFilter(**query), limit=limit, before=before
        )
        return {
            "entries": [services.entry_record(entry) for entry in entries],
            "next_before": entries[-1].index if len(entries) == limit else None,
        }
