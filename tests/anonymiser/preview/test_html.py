"""The HTML preview is one self-contained page: inline CSS, no script, nothing fetched, and
every value from the document escaped, whatever it holds."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from anonymiser.preview import render_html

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "table",
    "caption", "tr", "th", "td", "div",
}  # fmt: skip


class _Tags(HTMLParser):
    """Collects every start tag and attribute of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parsed(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser


def _document(prepared: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        prepared.with_name("placements.preview.json").read_text("utf-8")
    )
    return loaded


def test_the_page_written_by_prepare_is_self_contained(prepared: Path) -> None:
    """No script, no link, no image, no address to fetch: one file opens anywhere."""
    page = prepared.with_name("placements.preview.html").read_text("utf-8")
    parsed = _parsed(page)
    assert parsed.tags <= ALLOWED_TAGS
    assert parsed.attributes <= {"lang", "charset", "name", "content", "class"}
    assert not re.search(r"https?://", page)
    assert "<style>" in page


def test_sample_rows_never_show_an_identifier(prepared: Path) -> None:
    """In the side-by-side sample, names and dates of birth are withheld, ids masked."""
    document = _document(prepared)
    for row in document["sample"]:
        cells = {cell["field"]: cell for cell in row["cells"]}
        for name in ("given_name", "family_name", "address", "postcode", "date_of_birth"):
            assert cells[name]["raw"] in ("(withheld)", "")
        assert "•" in cells["nhs_number"]["raw"] or cells["nhs_number"]["raw"] == ""
        assert cells["nhs_number"]["leaves"] is None or cells["nhs_number"]["leaves"].startswith(
            "v1:"
        )


@settings(max_examples=60, deadline=None)
@given(value=st.text(min_size=1, max_size=60))
def test_any_value_is_shown_as_text_never_as_markup(prepared: Path, value: str) -> None:
    """A supplier name, header or cell value cannot add a tag or an attribute to the page."""
    document = _document(prepared)
    document["suppliers"]["individuals"] = [
        {"field": "provider_name", "name": value, "reason": value, "rows": 1}
    ]
    document["unknown_columns"] = [{"column": "AC", "header": value, "reason": value}]
    document["sample"][0]["cells"][0]["leaves"] = value
    page = render_html(document)
    parsed = _parsed(page)
    assert parsed.tags <= ALLOWED_TAGS
    assert parsed.attributes <= {"lang", "charset", "name", "content", "class"}
    if value.strip() and "\r" not in value:
        assert " ".join(value.split()) in " ".join("".join(parsed.text).split())
