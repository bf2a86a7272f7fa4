"""Identifiers as authorities' systems hold them, generated in bulk.

NHS numbers come only from the 999 test range (``999`` + six digits + a mod-11
check digit), so nothing generated here can be a real patient's number. The
range holds about 909,000 valid numbers: the region's people draw from one
shuffled copy of it, each authority from its own block, so numbers are unique
up to about 82,000 people per authority and repeat beyond that.

Also here: local person ids in each authority's own style, postcodes inside an
authority, and the registration numbers providers carry (CQC location ids,
Ofsted URNs, Companies House and Charity Commission numbers).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from schemas.geography import AUTHORITIES

NHS_TEST_PREFIX = 999
_NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)
#: Letters a postcode's inward code may use (never C, I, K, M, O or V).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
#: Blocks of the shuffled test range: one per authority, one for people shared by two.
_NHS_BLOCKS = len(AUTHORITIES) + 1


def nhs_check_digits(bodies: np.ndarray) -> np.ndarray:
    """Mod-11 check digit of each nine-digit body; 10 means the body has no valid number."""
    total = np.zeros(len(bodies), dtype=np.int64)
    for position, weight in enumerate(_NHS_WEIGHTS):
        total += (bodies // 10 ** (8 - position)) % 10 * weight
    check = 11 - total % 11
    check[check == 11] = 0
    return check


def is_valid_nhs_number(text: str) -> bool:
    """Whether ten digits carry a correct mod-11 check digit."""
    if len(text) != 10 or not text.isdigit():
        return False
    check = nhs_check_digits(np.array([int(text[:9])], dtype=np.int64))[0]
    return bool(check == int(text[9]))


@lru_cache(maxsize=4)
def _shuffled_test_range(seed: int) -> np.ndarray:
    bodies = NHS_TEST_PREFIX * 1_000_000 + np.arange(1_000_000, dtype=np.int64)
    check = nhs_check_digits(bodies)
    usable = check != 10
    numbers = bodies[usable] * 10 + check[usable]
    np.random.default_rng([seed, 999]).shuffle(numbers)
    numbers.flags.writeable = False
    return numbers


def nhs_numbers(seed: int, block: int, people: np.ndarray) -> np.ndarray:
    """NHS numbers (as ten-digit strings) for people indices within one block.

    Block ``i`` is authority ``i`` in :data:`AUTHORITIES` order; the last block
    is for people placed by two authorities.
    """
    numbers = _shuffled_test_range(seed)
    size = len(numbers) // _NHS_BLOCKS
    return numbers[(block * size + people) % len(numbers)].astype("U10")


def shared_block() -> int:
    """The NHS number block of people placed by two authorities."""
    return _NHS_BLOCKS - 1


@dataclass(frozen=True)
class LocalIdStyle:
    """How an authority's case-management system writes its person ids.

    ``digits`` is the size of the number space, ``width`` the zero-padded width
    (wider than ``digits`` for systems whose ids start with zeros).
    """

    prefix: str
    digits: int
    separator: str = ""
    width: int = 0

    def format(self, people: np.ndarray, salt: int) -> np.ndarray:
        """Ids for people indices: a shuffle of the number space, never two alike."""
        space = 10**self.digits
        step = int(space * 0.6180339887) | 1  # odd and, below, never a multiple of 5:
        step += 2 if step % 5 == 0 else 0  # so stepping visits every number once
        numbers = (people * step + salt * 104_729 + space // 10) % space
        width = max(self.width, self.digits)
        text = np.strings.zfill(numbers.astype(f"U{width}"), width)
        return np.strings.add(f"{self.prefix}{self.separator}", text)


def cqc_location_id(rng: np.random.Generator) -> str:
    """A CQC location id: ``1-`` then nine or ten digits."""
    return f"1-{rng.integers(100_000_000, 10_000_000_000)}"


def ofsted_urn(rng: np.random.Generator) -> str:
    """An Ofsted URN for a children's social care setting: ``SC`` then six digits."""
    return f"SC{rng.integers(0, 1_000_000):06d}"


def school_urn(rng: np.random.Generator) -> str:
    """An Ofsted URN for a school: six digits."""
    return f"{rng.integers(100_000, 150_000)}"


def companies_house_id(rng: np.random.Generator) -> str:
    """An organisation id for a company: ``GB-COH-`` and its eight-character number."""
    if rng.random() < 0.1:
        return f"GB-COH-SC{rng.integers(0, 1_000_000):06d}"
    return f"GB-COH-{rng.integers(100_000, 14_000_000):08d}"


def charity_id(rng: np.random.Generator) -> str:
    """An organisation id for a registered charity: ``GB-CHC-`` and six or seven digits."""
    return f"GB-CHC-{rng.integers(200_000, 1_200_000)}"
