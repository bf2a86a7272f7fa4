"""Take the install steps of deploy/README.md as shell scripts, for deploy/check/fresh-debian.

Every ```sh block under "Install on Debian 12, step by step" becomes one script, in
order, changed only by the substitutions below (each must still apply: a README that
no longer says what they replace fails here rather than being checked half-way). One
line per step is printed: the script's file name, how it runs (``apt`` for a step that
installs Debian packages: downloaded on the host's network, installed without it;
``pip`` for one that installs from PyPI, on the host's network; ``isolated`` for the
rest) and the step's title. Last comes the Upgrades section's block (``upgrade``: the
same release installed again over the running hub, in the isolated namespace, pip
finding the project's build requirements in a folder downloaded beforehand).

    python3 deploy/check/readme_steps.py deploy/README.md OUT_DIR
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

SECTION = "## Install on Debian 12, step by step"
UPGRADES = "## Upgrades"
STEP = re.compile(r"^(\d+)\. \*\*(.+?)\*\*", re.MULTILINE)
BLOCK = re.compile(r"^[ \t]*```sh\n(.*?)^[ \t]*```", re.MULTILINE | re.DOTALL)
APT = re.compile(r"apt-get install")
PIP = re.compile(r"pip install")

# (what the README says, what the chroot runs, why). Text only: the commands a chroot
# lacks (certbot, systemctl, journalctl) are shell functions in chroot-shims.sh.
SUBSTITUTIONS = [
    (
        "sed -i 's/exchange.example.org/YOUR.NAME/'",
        "sed -i 's/exchange.example.org/localhost/'",
        "nginx's server_name: the check's hub is https://localhost",
    ),
    (
        "witness@archive.example.org:checkpoints/",
        "/var/lib/exchange/shipped/",
        "no witness machine to rsync to over ssh: ship to a local folder",
    ),
    ("exchange.example.org", "localhost", "the hub's DNS name: localhost in the chroot"),
]


def upgrade(readme: str) -> str:
    """The Upgrades section's first ```sh block."""
    start = readme.index(UPGRADES)
    block = BLOCK.search(readme, start)
    if block is None:
        raise SystemExit("readme_steps: no ```sh block under Upgrades")
    return textwrap.dedent(block.group(1))


def steps(readme: str) -> list[tuple[int, str, str]]:
    """(number, title, script) of every ```sh block of the install section."""
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    end_sub = readme.find("\n### ", start + len(SECTION))
    section = readme[start : min(e for e in (end, end_sub, len(readme)) if e != -1)]
    heads = list(STEP.finditer(section))
    found = []
    for i, head in enumerate(heads):
        body = section[head.end() : heads[i + 1].start() if i + 1 < len(heads) else None]
        for block in BLOCK.finditer(body):
            script = textwrap.dedent(block.group(1))
            found.append((int(head.group(1)), head.group(2).rstrip("."), script))
    return found


def substitute(scripts: list[str]) -> tuple[list[str], list[str]]:
    """Apply SUBSTITUTIONS; the first ones protect the spots the later ones must not touch."""
    joined = "\n\0\n".join(scripts)
    applied: list[tuple[str, str]] = []
    for old, new, why in SUBSTITUTIONS:
        if old not in joined:
            raise SystemExit(f"readme_steps: the README no longer says {old!r} ({why})")
        count = joined.count(old)
        # Shield each replacement from later rules with a placeholder.
        joined = joined.replace(old, f"\1{len(applied)}\1")
        applied.append((new, f"{old!r} -> {new!r} ({count}x): {why}"))
    for index, (new, _) in enumerate(applied):
        joined = joined.replace(f"\1{index}\1", new)
    return joined.split("\n\0\n"), [note for _, note in applied]


def main(readme_path: str, out: str) -> None:
    readme = Path(readme_path).read_text(encoding="utf-8")
    found = steps(readme)
    if not found:
        raise SystemExit("readme_steps: no ```sh blocks in the install section")
    found.append((0, "Upgrades", upgrade(readme)))
    scripts, notes = substitute([script for _, _, script in found])
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for index, ((number, title, _), script) in enumerate(zip(found, scripts, strict=True)):
        name = f"{index:02d}-step{number}.sh" if number else f"{index:02d}-upgrade.sh"
        (folder / name).write_text(script, encoding="utf-8")
        if number == 0:  # an upgrade: pip may use only what is already downloaded
            print(f"{name}\tupgrade\tREADME {title}")
            continue
        where = "apt" if APT.search(script) else "pip" if PIP.search(script) else "isolated"
        print(f"{name}\t{where}\tREADME step {number}: {title}")
    (folder / "substitutions.txt").write_text("\n".join(notes) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
