"""Quality weights: the score each provider quality rating is worth, from the settings.

``picture_quality_weights`` reads ``outstanding=4,good=3,requires_improvement=2,
inadequate=1``. A rating left out (such as ``not_rated``) has no score, so providers
rated so are not ranked by price per unit of quality. A malformed value is a
configuration error that names the part at fault.
"""

from __future__ import annotations

from exchange.errors import ConfigurationError
from schemas import codes


def parse_quality_weights(text: str) -> dict[str, float]:
    """``{"outstanding": 4.0, ...}`` from the setting's text."""
    weights: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        rating, sep, value = (s.strip() for s in part.partition("="))
        if not sep or rating not in codes.QUALITY_RATINGS:
            raise ConfigurationError(
                f"picture_quality_weights: {part!r} is not rating=score with a rating among "
                + ", ".join(sorted(codes.QUALITY_RATINGS))
                + "."
            )
        try:
            score = float(value)
        except ValueError:
            score = float("nan")
        if not score > 0 or score == float("inf"):
            raise ConfigurationError(
                f"picture_quality_weights: the score of {rating} must be a number above 0."
            )
        if rating in weights:
            raise ConfigurationError(f"picture_quality_weights: {rating} is given twice.")
        weights[rating] = score
    return weights
