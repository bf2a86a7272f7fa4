"""The accounts API: who the token belongs to."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from exchange.accounts.auth import api_access, current_principal
from exchange.accounts.models import ApiToken, User
from exchange.db import get_session

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The caller's identity")


class TokenSchema(Schema):
    prefix = fields.String(metadata={"description": "The token's public prefix"})
    expires_at = fields.DateTime()


class MeSchema(Schema):
    user = fields.String(metadata={"description": "The audit log's name for you: user:<id>"})
    username = fields.String()
    role = fields.String()
    authority = fields.String(allow_none=True)
    token = fields.Nested(TokenSchema)


@blp.route("")
class Me(MethodView):
    @blp.doc(security=[{"bearerAuth": []}])
    @blp.response(200, MeSchema)
    @api_access()
    def get(self) -> dict[str, Any]:
        """The user and token behind this request."""
        principal = current_principal()
        db = get_session()
        user = db.get(User, principal.user_id)
        token = db.scalars(select(ApiToken).where(ApiToken.prefix == principal.token_prefix)).one()
        assert user is not None
        return {
            "user": principal.actor,
            "username": user.username,
            "role": principal.role,
            "authority": principal.authority,
            "token": {"prefix": token.prefix, "expires_at": token.expires_at},
        }
