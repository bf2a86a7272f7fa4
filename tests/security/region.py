"""A small region in a test hub: real signed returns uploaded, the picture built inline.

Not a test module: the attack suite's tests build their data with it, through
``POST /api/v1/returns`` exactly as an authority's upload arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from flask import Flask

from tests.exchange.conftest import Hub
from tests.exchange.returns_kit import (
    PERIOD,
    Officer,
    make_return,
    placements_frame,
    ready_authority,
    shared_csv,
    supplier_spend_frame,
)

AUTHORITIES = ("E06000015", "E06000016", "E06000018")


@dataclass
class Region:
    """A hub with returns from a few authorities and the period's picture built."""

    app: Flask
    hub: Hub
    officers: dict[str, Officer]
    manifests: dict[str, list[str]] = field(default_factory=dict)

    def client(self, role: str, authority: str | None = None, username: str | None = None) -> Any:
        """A test client logged in as a new user of ``role``."""
        client = self.app.test_client()
        answer = self.hub.login(client, self.hub.user(role, authority=authority, username=username))
        assert answer.status_code == 302, answer.get_data(as_text=True)
        return client


def upload(app: Flask, officer: Officer, path: Path) -> str:
    """Upload a return through the API; its manifest hash (the upload must be accepted)."""
    answer = app.test_client().post(
        "/api/v1/returns", data=path.read_bytes(),
        headers={**officer.headers, "Content-Type": "application/octet-stream"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.get_data(as_text=True)
    manifest: str = answer.json["manifest_hash"]  # type: ignore[index]
    return manifest


def build_region(
    app_with: Callable[..., Flask], folder: Path, *, rows: int = 120,
    names: dict[str, list[str]] | None = None, **overrides: object,
) -> Region:  # fmt: skip
    """Upload placements and spend for each authority; ``names`` replace provider names
    (keyed by authority: names cycled over its rows), to carry crafted text into the hub."""
    app = app_with(PICTURE_RECOMPUTE="inline", **overrides)
    hub = Hub(app)
    region = Region(app, hub, {})
    for seed, code in enumerate(AUTHORITIES, start=1):
        officer = ready_authority(app, code)
        region.officers[code] = officer
        region.manifests[code] = []
        for return_type in ("placements", "supplier_spend"):
            count = rows if return_type == "placements" else rows // 2
            frame = _frame(return_type, count, seed, code, (names or {}).get(code))
            path = folder / f"{code}-{return_type}.return"
            make_return(path, signing_key=officer.key, authority=code, return_type=return_type,
                        period=PERIOD, payload=shared_csv(frame), seed=seed)  # fmt: skip
            region.manifests[code].append(upload(app, officer, path))
    return region


def _frame(
    return_type: str, count: int, seed: int, code: str, names: list[str] | None
) -> pd.DataFrame:
    if return_type == "placements":
        frame = placements_frame(count, seed=seed)
        column = "provider_name"
    else:
        frame = supplier_spend_frame(count, seed=seed)
        frame["body"] = code
        column = "supplier_name"
    if names:
        frame[column] = [names[i % len(names)] for i in range(count)]
    return frame
