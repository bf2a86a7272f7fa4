"""The keys package stands alone: no Flask, no anonymiser, no exchange, no schemas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_keys_pulls_in_no_other_part_of_the_project() -> None:
    """`import keys` (and its CLI-free modules) loads neither Flask nor another package."""
    probe = (
        "import sys, keys, keys.verification, keys.keyring, keys.sealing;"
        "walled = {'flask', 'anonymiser', 'exchange', 'schemas', 'werkzeug'};"
        "print(sorted({m.split('.')[0] for m in sys.modules} & walled))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
