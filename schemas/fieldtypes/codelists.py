"""Values from an agreed code list.

Authorities write a code list's values many ways: the code (``four_weekly``), its label
(``Per four weeks``), or a local variant (``4 weekly``, ``Four-weekly``, ``IFA``). Each is
reduced to a *key* — lower case, ``&`` read as "and", apostrophes dropped, every other run
of punctuation or space one underscore — and looked up among the keys of the codes, the
labels and the known variants (:mod:`schemas.code_variants`). The shared view accepts the
codes only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from schemas.fieldtypes.base import (
    ColumnOutcome,
    Failure,
    FieldType,
    ParseContext,
    Rewrite,
    ValueOutcome,
    ascii_lower,
)

#: How a written value becomes a lookup key, in both engines.
KEY_REWRITES = (
    Rewrite("&", " and "),
    Rewrite("['\u2018\u2019`]", ""),
    Rewrite("[^a-z0-9]+", "_"),
    Rewrite("^_+|_+$", ""),
)


def code_key(value: str) -> str:
    """The lookup key of one written value (``"Four-weekly"`` -> ``"four_weekly"``)."""
    key = ascii_lower(value)
    for rewrite in KEY_REWRITES:
        key = rewrite.one(key)
    return key


class CodeListType(FieldType):
    """One of a code list's codes, written as the code, its label or a known variant."""

    name = "code"

    def __init__(
        self,
        list_name: str,
        codes: Mapping[str, str],
        variants: Mapping[str, str] | None = None,
        *,
        strict: bool = False,
    ) -> None:
        self.list_name = list_name
        self._codes = codes
        self._variants = dict(variants or {})
        self._strict = strict
        self.summary = f"code from {list_name}"
        self.accepts = tuple(codes) if strict else (*codes, *codes.values(), *self._variants)
        lookup: dict[str, str] = {code: code for code in codes}
        if not strict:
            for written, code in [*codes.items(), *self._variants.items()]:
                lookup.setdefault(code_key(written), code)
            for code, label in codes.items():
                lookup.setdefault(code_key(label), code)
        if any(code not in codes for code in lookup.values()):
            raise ValueError(f"{list_name}: a variant names a code not in the list")
        self._lookup = lookup
        self._keys = pa.array(list(lookup), type=pa.string())
        self._targets = np.array([*lookup.values(), None], dtype=object)
        examples = ", ".join(codes)
        self.unknown = Failure(
            "code.unknown",
            f"The value is not one of the agreed {list_name} codes",
            f"Use one of: {examples}"
            + ("." if strict else " (the labels and common variants are accepted too)."),
        )

    def __repr__(self) -> str:
        return f"CodeListType({self.list_name!r}, strict={self._strict})"

    def describe(self) -> str:
        return f"code: {self.list_name}"

    @property
    def codes(self) -> Mapping[str, str]:
        return self._codes

    @property
    def variants(self) -> Mapping[str, str]:
        """Local ways of writing a code, beyond the code and its label."""
        return self._variants

    @property
    def failures(self) -> tuple[Failure, ...]:
        return (self.unknown,)

    def strict(self) -> CodeListType:
        if self._strict:
            return self
        return CodeListType(self.list_name, self._codes, strict=True)

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self._codes)}

    def parse_column(self, values: pa.Array, context: ParseContext) -> ColumnOutcome:
        keys = values
        if not self._strict:
            keys = pc.ascii_lower(keys)
            for rewrite in KEY_REWRITES:
                keys = rewrite.column(keys)
        found = pc.index_in(keys, value_set=self._keys)
        index = pc.fill_null(found, len(self._targets) - 1).to_numpy(zero_copy_only=False)
        parsed = self._targets[index]
        present = np.asarray(values.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        unknown = present & ~np.asarray(found.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        return ColumnOutcome(parsed, {self.unknown: unknown} if unknown.any() else {})

    def parse_one(self, value: str, context: ParseContext) -> ValueOutcome:
        code = self._lookup.get(value if self._strict else code_key(value))
        if code is None:
            return ValueOutcome(failure=self.unknown)
        return ValueOutcome(value=code)
