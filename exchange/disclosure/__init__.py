"""Disclosure control for everything the hub publishes (see docs/disclosure-control.md).

Pure functions on data, no Flask and no database:

- :func:`protect_counts` — margins, primary, carried and secondary suppression, rounding,
  for every count table of a period at once (linked tables protected together);
- :func:`protect_statistics` / :func:`cost_summary` — cost statistics with the sample,
  authorities and dominance rules;
- :func:`attack` / :func:`attack_releases` — the attacker check (integer programming);
- :func:`build_certificate` / :func:`certificate_text` — the certificate downloads carry.
"""

from __future__ import annotations

from exchange.disclosure.attack import AttackReport, CellInterval, attack, attack_releases
from exchange.disclosure.certificate import (
    build_certificate,
    canonical_bytes,
    certificate_id,
    certificate_text,
)
from exchange.disclosure.counts import CountTable, protect_counts, round_count
from exchange.disclosure.rules import DisclosureRules
from exchange.disclosure.statistics import cost_summary, protect_statistics, sample_band
from exchange.disclosure.tables import (
    AUTHORITIES,
    CARRIED,
    CONFIDENTIAL,
    DOMINANCE,
    PRIMARY,
    REASONS,
    SAMPLE,
    SECONDARY,
    TOTAL,
    Column,
    PublishedTable,
    mark,
)

__all__ = [
    "AUTHORITIES",
    "CARRIED",
    "CONFIDENTIAL",
    "DOMINANCE",
    "PRIMARY",
    "REASONS",
    "SAMPLE",
    "SECONDARY",
    "TOTAL",
    "AttackReport",
    "CellInterval",
    "Column",
    "CountTable",
    "DisclosureRules",
    "PublishedTable",
    "attack",
    "attack_releases",
    "build_certificate",
    "canonical_bytes",
    "certificate_id",
    "certificate_text",
    "cost_summary",
    "mark",
    "protect_counts",
    "protect_statistics",
    "round_count",
    "sample_band",
]
