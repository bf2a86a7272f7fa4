"""The registry API: the authorities and their public keys (any authenticated caller).

Public keys are public: each authority needs its peers' relay keys, and verifiers
need the signing keys.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from exchange.accounts.auth import api_access
from exchange.db import get_session, utc_now
from exchange.registry.models import Authority
from exchange.registry.services import find_authority, list_authorities

blp = Blueprint(
    "authorities",
    __name__,
    url_prefix="/api/v1/authorities",
    description="Registered authorities and their public keys",
)


class KeySchema(Schema):
    key_id = fields.String()
    purpose = fields.String(metadata={"description": "signing (Ed25519) or relay (X25519)"})
    algorithm = fields.String()
    public_key = fields.String(metadata={"description": "The 32-byte key in hexadecimal"})
    valid_from = fields.DateTime()
    valid_until = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    status = fields.String(metadata={"description": "active, pending, rotated_out or revoked"})


class AuthoritySchema(Schema):
    code = fields.String(metadata={"description": "ONS area code"})
    name = fields.String()
    successor_of = fields.String(allow_none=True)
    keys = fields.List(fields.Nested(KeySchema))


def authority_record(authority: Authority) -> dict[str, Any]:
    """An authority and its keys as the API shows them."""
    now = utc_now()
    return {
        "code": authority.code,
        "name": authority.name,
        "successor_of": authority.successor_of.code if authority.successor_of else None,
        "keys": [
            {
                "key_id": key.key_id,
                "purpose": key.purpose,
                "algorithm": key.algorithm,
                "public_key": key.public_key.hex(),
                "valid_from": key.valid_from,
                "valid_until": key.valid_until,
                "revoked_at": key.revoked_at,
                "status": key.status(now),
            }
            for key in authority.keys
        ],
    }


@blp.route("")
class Authorities(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, AuthoritySchema(many=True))
    @api_access()
    def get(self) -> list[dict[str, Any]]:
        """Every registered authority, with its keys."""
        return [authority_record(a) for a in list_authorities(get_session())]


@blp.route("/<string:code>")
class AuthorityByCode(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, AuthoritySchema)
    @api_access()
    def get(self, code: str) -> dict[str, Any]:
        """One authority, with its keys."""
        return authority_record(find_authority(get_session(), code))
