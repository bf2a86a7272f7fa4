"""The preview document: what a return holds and how it was made, as one JSON object.

``anonymiser prepare`` writes it beside the return (``NAME.preview.json``) and renders it
as ``NAME.preview.html``; ``anonymiser preview NAME.return`` reads it back to show what the
return file alone cannot: what happened to each field of the raw export. It holds no raw
identifier: sample values of identifier fields are masked or withheld. It does hold the
supplier names decided to be private individuals, so the officer can check each decision:
it stays inside the authority, like the export itself. Members::

    format            "anonymiser-preview/1"
    return_file       the return's file name
    manifest          the signed manifest (as JSON values); manifest_sha256 its hash
    source            {file, kind, sheet, header_row, rows}
    rehearsal         true when test NHS numbers (999...) were accepted
    policy            {schema, version, sha256}
    keys              {signing_key_id, pseudonym_key_version}
    fields            [{field, header, column, policy, action, leaves_as, in_file,
                        values_in, values_out, redacted}]
    unknown_columns   [{column, header, reason}]      dropped: the schema does not know them
    suppliers         {individuals: [{field, name, reason, rows}], names_kept}
    scanned_columns   the kept text columns scanned for stray identifiers (none found)
    chance_matches    [{field, header, column, kind, digits, references, passing}]
                      references whose digits passed for NHS or phone numbers by chance
    queries           [{code, field, count}]          queries found when validating
    risk              {report, remediation}           figures after remediation, and its log
    sample            [{row, cells: [{field, raw, leaves_as, leaves}]}]
    timings           seconds per step
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PREVIEW_FORMAT = "anonymiser-preview/1"
JSON_SUFFIX = ".preview.json"
HTML_SUFFIX = ".preview.html"


def sidecar_paths(return_path: Path) -> tuple[Path, Path]:
    """The preview JSON and HTML files beside a return (``x.return`` -> ``x.preview.*``)."""
    stem = return_path.name.removesuffix(".return")
    return (
        return_path.with_name(stem + JSON_SUFFIX),
        return_path.with_name(stem + HTML_SUFFIX),
    )


def to_json_bytes(document: dict[str, Any]) -> bytes:
    """The document as UTF-8 JSON, indented for people who open it."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def load_sidecar(
    return_path: Path, manifest_sha256: str
) -> tuple[dict[str, Any] | None, str | None]:
    """The preview document stored beside a return, if it is this return's; else a note."""
    path = sidecar_paths(return_path)[0]
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None, f"No preview file {path.name} beside the return: the raw side is not shown."
    except (OSError, ValueError):
        return None, f"The preview file {path.name} cannot be read as JSON: it is not shown."
    if not isinstance(document, dict) or document.get("format") != PREVIEW_FORMAT:
        return None, f"{path.name} is not a preview document ({PREVIEW_FORMAT}): not shown."
    if document.get("manifest_sha256") != manifest_sha256:
        return None, f"{path.name} describes another return (its manifest hash differs): not shown."
    return document, None
