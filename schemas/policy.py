"""Disclosure policies: what happens to each field before a return leaves the authority.

drop                     the field never leaves
pseudonymise(domain)     replaced by a keyed pseudonym, ``v<key version>:<64 hex>``;
                         the domain keeps pseudonyms of different things apart
generalise(rule)         replaced by a coarser value under a new name (age band,
                         district, month, weekly cost); see :mod:`schemas.generalise`
redact_if_individual     kept, unless it names a private individual, when it becomes
                         :data:`REDACTION_MARKER`
keep                     leaves as normalised
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

PolicyKind = Literal["drop", "pseudonymise", "generalise", "redact_if_individual", "keep"]
POLICY_KINDS: tuple[PolicyKind, ...] = (
    "drop",
    "pseudonymise",
    "generalise",
    "redact_if_individual",
    "keep",
)

#: What a redacted supplier or provider name becomes in the shared view.
REDACTION_MARKER = "[REDACTED: private individual]"


@dataclass(frozen=True)
class Policy:
    """A field's disclosure policy: its kind, and the domain or rule it needs."""

    kind: PolicyKind
    domain: str | None = None
    rule: str | None = None

    def __str__(self) -> str:
        if self.kind == "pseudonymise":
            return f"pseudonymise({self.domain})"
        if self.kind == "generalise":
            return f"generalise({self.rule})"
        return self.kind

    def to_document(self) -> dict[str, Any]:
        """The policy as it appears in the policy document."""
        document: dict[str, Any] = {"kind": self.kind}
        if self.domain is not None:
            document["domain"] = self.domain
        if self.rule is not None:
            document["rule"] = self.rule
        return document

    @property
    def leaves(self) -> bool:
        """Whether anything derived from the field leaves the authority."""
        return self.kind != "drop"


def drop() -> Policy:
    """The field never leaves the authority."""
    return Policy("drop")


def keep() -> Policy:
    """The field leaves as normalised."""
    return Policy("keep")


def pseudonymise(domain: str) -> Policy:
    """The field leaves as a keyed pseudonym in ``domain``."""
    return Policy("pseudonymise", domain=domain)


def generalise(rule: str) -> Policy:
    """The field leaves only as the coarser value ``rule`` makes of it."""
    return Policy("generalise", rule=rule)


def redact_if_individual() -> Policy:
    """The field leaves unless it names a private individual."""
    return Policy("redact_if_individual")
