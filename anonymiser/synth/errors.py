"""Errors raised while generating a synthetic region.

    AnonymiserError                (anonymiser.errors; exit 1)
    └── SynthError                 the generation request cannot be met
        ├── UnknownPeriod          the period label is not understood
        └── UnknownAuthority       an authority is not one of the region's

The CLI prints them as one line; they never carry generated personal data.
"""

from __future__ import annotations

from anonymiser.errors import AnonymiserError


class SynthError(AnonymiserError):
    """The synthetic region cannot be generated as asked."""


class UnknownPeriod(SynthError):
    """The period label is not one the exchange understands."""


class UnknownAuthority(SynthError):
    """An authority code or name is not one of the region's."""
