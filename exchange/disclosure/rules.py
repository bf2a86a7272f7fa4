"""The disclosure rules a deployment applies, as one value that travels with every release.

The thresholds come from the ``picture_*`` settings (see docs/configuration.md) so that a
deployment can be stricter than the defaults; the certificate of every download repeats
them, with :attr:`DisclosureRules.version` naming the method, so an IG officer can tell
which rules produced a table without reading code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

#: The method's version: bump it when the suppression or attack method changes meaning.
METHOD_VERSION = "dc-1"


@dataclass(frozen=True)
class DisclosureRules:
    """Thresholds for counts (suppression, rounding) and for cost statistics."""

    #: Counts from 1 to this number are withheld (primary suppression); 0 is published.
    count_threshold: int = 7
    #: Round published counts to a multiple of this base; 0 leaves them unrounded.
    round_to: int = 0
    #: Fewest placements behind a published cost statistic.
    min_cost_sample: int = 10
    #: Fewest authorities contributing to a published cost statistic.
    min_cost_authorities: int = 3
    #: Largest share (0..1) of a statistic's placements one authority may contribute.
    max_authority_share: float = 0.6
    version: str = METHOD_VERSION

    def __post_init__(self) -> None:
        if self.count_threshold < 0 or self.round_to < 0:
            raise ValueError("count_threshold and round_to must not be negative")
        if self.min_cost_sample < 1 or self.min_cost_authorities < 1:
            raise ValueError("min_cost_sample and min_cost_authorities must be at least 1")
        if not 0 < self.max_authority_share <= 1:
            raise ValueError("max_authority_share must be above 0 and at most 1")

    def as_dict(self) -> dict[str, Any]:
        """The rules as JSON-ready values (for the certificate)."""
        return asdict(self)

    @classmethod
    def from_settings(cls, settings: Any) -> DisclosureRules:
        """The rules the deployment's ``picture_*`` settings ask for."""
        return cls(
            count_threshold=int(settings.picture_count_threshold),
            round_to=int(settings.picture_round_to),
            min_cost_sample=int(settings.picture_min_cost_sample),
            min_cost_authorities=int(settings.picture_min_cost_authorities),
            max_authority_share=int(settings.picture_max_authority_share_percent) / 100,
        )
