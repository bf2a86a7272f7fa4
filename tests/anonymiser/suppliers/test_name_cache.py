"""The names gathered from Faker's locales are kept in the user's cache, per Faker version
and code, and used only when whole."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from anonymiser.suppliers import names


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """An empty cache folder, and no names remembered by this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    names._faker_names.cache_clear()
    yield tmp_path / "cache" / names.CACHE_FOLDER
    names._faker_names.cache_clear()


def test_gathered_names_are_written_once_and_read_back_the_same(fresh: Path) -> None:
    """The first gathering writes one file per list; a new process reads the same names."""
    gathered = names._faker_names(("first_name",))
    [written] = list(fresh.iterdir())
    assert written.name.startswith("faker-")
    assert "-first_name-" in written.name
    assert len(gathered) > 10_000
    assert "che" in gathered
    names._faker_names.cache_clear()
    written.write_text("\n".join(sorted(gathered - {"che"})), encoding="utf-8")
    assert names._faker_names(("first_name",)) == gathered - {"che"}  # read, not gathered


def test_an_empty_or_unreadable_cache_is_gathered_again(fresh: Path) -> None:
    """An empty file, or one that is not text, is not a list of names."""
    gathered = names._faker_names(("first_name",))
    [written] = list(fresh.iterdir())
    for spoiled in (b"", b"\xff\xfe\x00broken"):
        written.write_bytes(spoiled)
        names._faker_names.cache_clear()
        assert names._faker_names(("first_name",)) == gathered


def test_a_cache_that_cannot_be_written_is_not_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A cache folder under a file cannot be made: the names are gathered all the same."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    names._faker_names.cache_clear()
    try:
        assert "che" in names._faker_names(("first_name",))
    finally:
        names._faker_names.cache_clear()
    assert blocker.read_text() == "a file where the cache folder would go"
