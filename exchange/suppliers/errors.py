"""Errors of supplier identity, each a kind of :mod:`exchange.errors` error.

UnknownCandidate(NotFound)       no candidate match with that id
CandidateDecided(Conflict)       the candidate was already confirmed or rejected
"""

from __future__ import annotations

from exchange.errors import Conflict, NotFound


class UnknownCandidate(NotFound):
    """No candidate match has that id."""


class CandidateDecided(Conflict):
    """The candidate match was already confirmed or rejected."""
