"""Benchmark: the audit log's append rate and the cost of its Merkle roots and proofs.

Measures, on a throw-away SQLite hub in a temporary folder:

* ``record_event`` appends per second, each in its own committed transaction;
* signing a checkpoint over the log so built;

and, in memory, over ``--leaves`` leaf hashes (default 1,000,000):

* the Merkle root, an inclusion proof and a consistency proof (each O(n)).

Prints the figures and writes them to ``tests/benchmarks/results/audit_log.json``.
Figures are evidence, never assertions (docs/audit.md quotes the order of magnitude).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from exchange import create_app  # noqa: E402
from exchange.audit import merkle  # noqa: E402
from exchange.audit.checkpoints import sign_tree_head  # noqa: E402
from exchange.audit.events import record_event  # noqa: E402
from exchange.db import database, dispose, get_session, upgrade  # noqa: E402
from exchange.hub_key import HUB_KEY_FILE, create_hub_key  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "audit_log.json"


def _timed(action: Callable[[], Any]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def append_rate(events: int) -> dict[str, float]:
    """Append ``events`` entries to a fresh SQLite hub, one transaction each."""
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "LOG_LEVEL": "WARNING", "SECRET_KEY": "b" * 40})
        upgrade(database(app).engine)
        key = create_hub_key(Path(folder) / HUB_KEY_FILE)

        def append() -> None:
            with app.app_context():
                session = get_session()
                for number in range(events):
                    record_event(session, tag="bench:event:append", actor="bench",
                                 details={"n": number})  # fmt: skip
                    session.commit()

        def sign() -> None:
            with app.app_context():
                sign_tree_head(get_session(), hub_key=key, origin="bench/audit")
                get_session().commit()

        seconds = _timed(append)
        signing = _timed(sign)
        dispose(app)
    return {"appends_per_second": events / seconds, "checkpoint_seconds": signing}


def proof_costs(leaves: int) -> dict[str, float]:
    """Seconds for a root, an inclusion proof and a consistency proof over ``leaves``."""
    hashes = [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(leaves)]
    return {
        "root_seconds": _timed(lambda: merkle.root(hashes)),
        "inclusion_seconds": _timed(lambda: merkle.inclusion_proof(hashes, leaves // 3, leaves)),
        "consistency_seconds": _timed(
            lambda: merkle.consistency_proof(hashes, leaves // 2, leaves)
        ),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="entries appended to SQLite")
    parser.add_argument("--leaves", type=int, default=1_000_000, help="leaves for proof timing")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {
        "events": args.events,
        "leaves": args.leaves,
        **append_rate(args.events),
        **proof_costs(args.leaves),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "python": platform.python_version(),
    }
    for name, value in figures.items():
        print(f"{name:>22}: {value:,.3f}" if isinstance(value, float) else f"{name:>22}: {value}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
