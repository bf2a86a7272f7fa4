"""The fields of a return, in its two views.

A :class:`Field` is a column of the *raw* view, what an authority exports: its type, whether
it is required, its disclosure policy, the header names authorities use for it, and whether
its value is an identifier (and so masked wherever problems are shown). A
:class:`SharedField` is a column of the *shared* view, what the hub receives: made from one
or more raw fields by their policies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from schemas.fieldtypes import FieldType
from schemas.generalise import RULES
from schemas.policy import Policy

_HEADER_NOISE = re.compile(r"[^a-z0-9]+")


def header_key(header: str) -> str:
    """A header reduced for matching: lower case, letters and digits only (``NHS No.`` ->
    ``nhsno``)."""
    return _HEADER_NOISE.sub("", header.lower())


@dataclass(frozen=True)
class Field:
    """A raw-view field: what the authority's export holds, and what becomes of it."""

    name: str
    type: FieldType
    required: bool
    policy: Policy
    description: str
    aliases: tuple[str, ...] = ()
    identifier: bool = False
    #: The shared field's name for ``generalise`` (others follow from the policy).
    generalised_as: str | None = None

    @property
    def codes(self) -> Mapping[str, str] | None:
        """The code list (code -> label) of a code field; ``None`` otherwise."""
        return self.type.codes

    @property
    def shared_name(self) -> str | None:
        """The shared field this field becomes, or ``None`` if it is dropped."""
        kind = self.policy.kind
        if kind == "drop":
            return None
        if kind == "pseudonymise":
            return f"{self.name}_pseudonym"
        if kind == "generalise":
            return self.generalised_as
        return self.name

    @property
    def leaves_as(self) -> str:
        """What leaves the authority, in words, for the schema table."""
        kind = self.policy.kind
        if kind == "drop":
            return "nothing"
        if kind == "pseudonymise":
            return f"{self.shared_name} (keyed pseudonym)"
        if kind == "generalise":
            return f"{self.shared_name}: {RULES[str(self.policy.rule)].summary}"
        if kind == "redact_if_individual":
            return f"{self.name}, redacted if a private individual"
        return f"{self.name} (normalised)"


@dataclass(frozen=True)
class SharedField:
    """A shared-view field: what the hub receives, and where it comes from."""

    name: str
    type: FieldType
    required: bool
    policy: Policy
    sources: tuple[str, ...]
    description: str
    identifier: bool = False

    @property
    def codes(self) -> Mapping[str, str] | None:
        """The code list (code -> label) of a code field; ``None`` otherwise."""
        return self.type.codes

    @property
    def aliases(self) -> tuple[str, ...]:
        """Shared files use the field names themselves."""
        return ()
