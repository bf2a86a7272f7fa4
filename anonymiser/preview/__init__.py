"""The preview: exactly what a return takes out of the authority, and how it was made.

    render_html(document) -> str            one self-contained page (inline CSS, escaped)
    render_text(document, console)          the same sections at a terminal (rich)
    preview_return(path, keyring_dir)       verify a .return and build its document
    sidecar_paths(return_path)              NAME.preview.json and NAME.preview.html

The preview document's members are listed in :mod:`anonymiser.preview.document`.
"""

from __future__ import annotations

from anonymiser.preview.document import (
    HTML_SUFFIX,
    JSON_SUFFIX,
    PREVIEW_FORMAT,
    load_sidecar,
    sidecar_paths,
    to_json_bytes,
)
from anonymiser.preview.html import render_html
from anonymiser.preview.returned import PreviewUnusable, ReturnPreview, preview_return
from anonymiser.preview.text import render_text

__all__ = [
    "HTML_SUFFIX",
    "JSON_SUFFIX",
    "PREVIEW_FORMAT",
    "PreviewUnusable",
    "ReturnPreview",
    "load_sidecar",
    "preview_return",
    "render_html",
    "render_text",
    "sidecar_paths",
    "to_json_bytes",
]
