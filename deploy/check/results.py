"""Write deploy/check/fresh-debian's summary as JSON (tests/benchmarks/results/fresh-debian.json).

    python3 results.py --steps TSV --checks TSV --versions TXT --started ISO --outcome TEXT \
        --root CHROOT --out JSON
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

SHIMMED = [
    "certbot certonly -d NAME: a self-signed certificate for NAME made with openssl, "
    "written to /etc/letsencrypt/live/NAME/ as certbot would",
    "systemctl enable --now / start X.service: the unit's ExecStartPre= and ExecStart= run "
    "by hand as its User=/Group= with its Environment=, EnvironmentFile=, WorkingDirectory=, "
    "UMask=; Type=notify waits for READY=1 on NOTIFY_SOCKET",
    "systemctl enable X.timer: nothing; the check runs each timer's service once",
    "systemctl reload nginx: nginx -s reload, or nginx started as Debian's unit does",
    "systemctl daemon-reload: nothing",
    "journalctl -u X -n N: tail of the unit's output file",
    "PostgreSQL and Redis started with pg_ctlcluster and redis-server (postinst would)",
    "services run in their own network namespace (only lo), packages downloaded outside it",
]


def _rows(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line]


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("steps", "checks", "versions", "started", "outcome", "root", "out"):
        parser.add_argument(f"--{name}", required=True)
    args = parser.parse_args()
    steps = [
        {"step": name, "network": where, "exit_status": int(status), "duration_s": float(secs)}
        for name, where, status, secs, _log in _rows(Path(args.steps))
    ]
    checks = [
        {"check": name, "ok": state == "ok", "output": output}
        for name, state, output, *_ in ([*row, ""] for row in _rows(Path(args.checks)))
    ]
    versions = {}
    for row in _rows(Path(args.versions)):
        name, _, value = row[0].partition(" ")
        versions[name] = value
    substitutions = Path(args.root) / "root/fresh-check/steps/substitutions.txt"
    summary = {
        "what": "deploy/README.md's Debian 12 install steps run in a fresh debootstrapped "
        "bookworm chroot by deploy/check/fresh-debian",
        "started": args.started,
        "finished": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "outcome": args.outcome,
        "steps": steps,
        "total_s": round(sum(float(row[3]) for row in _rows(Path(args.steps))), 1),
        "checks": checks,
        "checks_passed": sum(check["ok"] is True for check in checks),
        "checks_failed": sum(check["ok"] is False for check in checks),
        "versions": versions,
        "readme_text_substitutions": (
            substitutions.read_text(encoding="utf-8").splitlines() if substitutions.exists() else []
        ),
        "commands_emulated_in_the_chroot": SHIMMED,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
