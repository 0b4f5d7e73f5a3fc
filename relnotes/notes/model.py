"""What a parsed notes file is made of: releases, their categories, the archive list.

Plain records (index ranges into the document's lines), shared by every format and by
the edits; the scanners that fill them live in :mod:`relnotes.notes.releases` and
:mod:`relnotes.notes.keepachangelog`.
"""

from typing import NamedTuple

from relnotes.version import Version


def category_key(name: str) -> str:
    """Normalise a category title for matching: ``### Fixed.`` and ``### Fixed:`` are the
    ``Fixed`` category."""
    return name.strip().rstrip(".:").strip().casefold()


class Category(NamedTuple):
    """A ``### Title`` block inside a release: lines ``[start, end)``."""

    title: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return category_key(self.title)


class Release(NamedTuple):
    """A ``## X.Y.Z`` section.

    ``body_end`` is where its content stops (the separator line, the next ``##``
    heading, the archive marker or the end of the file); ``end`` is past the
    separator when the section has one.
    """

    title: str
    version: Version | None
    start: int
    body_end: int
    end: int
    separator: int | None
    status_line: int | None
    status: str | None  # "unreleased" | "released" | None
    date: str | None
    categories: list[Category]

    @property
    def unreleased(self) -> bool:
        return self.status == "unreleased"

    def category(self, name: str) -> Category | None:
        key = category_key(name)
        for cat in self.categories:
            if cat.key == key:
                return cat
        return None


class ArchiveLink(NamedTuple):
    line: int
    label: str
    url: str


class Archive(NamedTuple):
    """The list after ``<!-- ARCHIVE_START -->``: links ``[first, end)``."""

    marker: int
    first: int
    end: int
    links: list[ArchiveLink]
