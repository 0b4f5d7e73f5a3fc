"""``relnotes stamp``: ``Unreleased.`` becomes ``Released DATE.`` for one release only.

Idempotent (stamping a stamped release changes nothing), unlike the global ``sed`` it
replaces; a Keep a Changelog file is stamped by :mod:`relnotes.flows.keepachangelog`.
"""

from relnotes.config.load import Config
from relnotes.flows import keepachangelog, steps
from relnotes.flows.steps import StampResult, parse_date
from relnotes.notes import base as notes
from relnotes.policy import schemes


def stamp(cfg: Config, *, on: str | None = None, version: str | None = None,
          doc: notes.NotesDocument | None = None, write: bool = True) -> StampResult:
    """Mark exactly one release (the top one, or ``version``) as released on a date."""
    if cfg.single_branch:  # [Unreleased] becomes VERSION: its own edit

        return keepachangelog.stamp(cfg, on=on, version=version, doc=doc, write=write)
    when = parse_date(on)
    doc = doc or schemes.read_notes(cfg)
    rel = doc.release(version)
    shown = str(rel.version) if rel.version else rel.title
    if rel.status == "released":
        return StampResult(shown, rel.date or "", False, rel.date)
    before = doc.text()
    doc.set_status(rel, when)
    if write:
        steps.apply(cfg, {cfg.notes_file: (before, doc.text())}, command="stamp")
    return StampResult(shown, when, True, None)
