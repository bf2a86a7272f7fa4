"""Every audit tag the hub records, as ``source:subject:action``.

One list, so the IG officer's page can offer them and a reader can see what is
audited. A new domain adds its tags here.
"""

from __future__ import annotations

from typing import Final

AUTHORITY_ADD: Final = "registry:authority:add"
KEY_REGISTER: Final = "registry:key:register"
KEY_ROTATE: Final = "registry:key:rotate"
KEY_REVOKE: Final = "registry:key:revoke"

USER_ADD: Final = "accounts:user:add"
USER_DISABLE: Final = "accounts:user:disable"
TOKEN_CREATE: Final = "accounts:token:create"  # noqa: S105 - a tag, not a secret
TOKEN_REVOKE: Final = "accounts:token:revoke"  # noqa: S105 - a tag, not a secret
TOKEN_REJECT: Final = "accounts:token:reject"  # noqa: S105 - a tag, not a secret
LOGIN_SUCCEED: Final = "accounts:login:succeed"
LOGIN_FAIL: Final = "accounts:login:fail"
LOGIN_THROTTLE: Final = "accounts:login:throttle"
LOGOUT: Final = "accounts:logout:succeed"
ACCESS_DENY: Final = "accounts:access:deny"

AUDIT_EXPORT: Final = "audit:export:download"
AUDIT_ENTRIES_DOWNLOAD: Final = "audit:entries:download"

RETURN_ACCEPTED: Final = "returns:return:accepted"
RETURN_REFUSED: Final = "returns:return:refused"
RETURN_DELETED: Final = "returns:return:deleted"
AGREEMENT_ADDED: Final = "returns:agreement:added"
PERIOD_ADDED: Final = "returns:period:added"

PICTURE_FRAMEWORK_UPLOAD: Final = "picture:framework:upload"

PICTURE_TABLE_DOWNLOAD: Final = "picture:table:download"

SUPPLIER_MATCH_CONFIRM: Final = "suppliers:match:confirm"
SUPPLIER_MATCH_REJECT: Final = "suppliers:match:reject"

BACKUP_CREATE: Final = "ops:backup:create"
BACKUP_RESTORE: Final = "ops:backup:restore"

ALL_TAGS: Final = (
    AUTHORITY_ADD,
    KEY_REGISTER,
    KEY_ROTATE,
    KEY_REVOKE,
    USER_ADD,
    USER_DISABLE,
    TOKEN_CREATE,
    TOKEN_REVOKE,
    TOKEN_REJECT,
    LOGIN_SUCCEED,
    LOGIN_FAIL,
    LOGIN_THROTTLE,
    LOGOUT,
    ACCESS_DENY,
    AUDIT_EXPORT,
    AUDIT_ENTRIES_DOWNLOAD,
    RETURN_ACCEPTED,
    RETURN_REFUSED,
    RETURN_DELETED,
    AGREEMENT_ADDED,
    PERIOD_ADDED,
    PICTURE_FRAMEWORK_UPLOAD,
    SUPPLIER_MATCH_CONFIRM,
    SUPPLIER_MATCH_REJECT,
    PICTURE_TABLE_DOWNLOAD,
    BACKUP_CREATE,
    BACKUP_RESTORE,
)
