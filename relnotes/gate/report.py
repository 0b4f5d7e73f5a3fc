"""What ``check`` found, and how it is shown: plain text, GitHub annotations, JSON.

The gate collects problems and warnings into a :class:`Report`; the formats here are
what CI reads, so every user-controlled text is escaped for the one that shows it.
"""

from __future__ import annotations

from relnotes.errors import Problem, shown_name


class Report:
    """What ``check`` found, filled in by ``lint`` and ``pr_gate``.

    A plain class: ``check`` is the command CI runs on every push, and importing
    ``dataclasses`` and building one took about 1.5 ms, as much as the rest of this
    module.
    """

    __slots__ = ("problems", "warnings", "advice", "mode", "fragments", "fragments_changed", "changed_files",
                 "skipped", "base", "merge_base")

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []  # worth saying, but no reason to fail
        self.advice: list[Problem] = []  # a missing fragment the gate advises, not requires (check.mode)
        self.mode: str | None = None  # the base's check.mode, once the gate ran
        self.fragments = 0
        self.fragments_changed: list[str] = []
        self.changed_files = 0
        self.skipped: str | None = None
        self.base: str | None = None
        self.merge_base: str | None = None  # the commit --base compared from (the preview reads its templates)

    @property
    def ok(self) -> bool:
        return not self.problems


def gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def format_report(report: Report, fmt: str) -> str:
    if fmt == "json":
        import json

        return json.dumps({
            "ok": report.ok,
            "problems": [p.as_dict() for p in report.problems],
            "warnings": [p.as_dict() for p in report.warnings],
            "fragments": report.fragments,
            "fragments_changed": report.fragments_changed,
            "advice": [p.as_dict() for p in report.advice],
            "skipped": report.skipped,
            "base": report.base,
        }, indent=2, ensure_ascii=False) + "\n"
    lines = []
    if fmt == "github":
        for level, found in (("warning", report.warnings), ("warning", report.advice), ("error", report.problems)):
            for p in found:
                lines.append(f"::{level} file={gh_escape(p.path, True)},line={p.line},col={p.col},"
                             f"title={gh_escape('relnotes ' + p.code, True)}::{gh_escape(p.message)}")
    else:
        lines.extend(p.format_text() for p in report.problems)  # warnings: format_warnings, to stderr
        lines.extend(f"{p.format_text()} (advised, not required)" for p in report.advice)
    if report.ok:
        summary = f"ok: {report.fragments} fragment(s) valid"
        if report.base:
            if report.skipped:
                summary += f"; fragment requirement skipped ({report.skipped})"
            elif report.advice:
                summary += ("; this change adds no fragment, which is advised, not required (the base's check."
                            + ("require_for" if report.mode == "require" else "mode: advise") + ")")
            elif report.fragments_changed:
                summary += f"; this change adds or edits {len(report.fragments_changed)} fragment(s)"
            elif not report.changed_files:  # BASE...HEAD is empty: nothing was compared
                summary += (f"; no changes since {report.base} (nothing differs from its merge base with HEAD), "
                            "so no fragment is required")
            else:
                summary += "; this change needs no fragment (only exempt files)"
        lines.append(summary if fmt == "text" else f"::notice::{summary}")
    else:
        n = len(report.problems)
        summary = f"{n} problem{'s' if n != 1 else ''} found"
        lines.append(summary if fmt == "text" else f"::error::{summary}")
    return "\n".join(lines) + "\n"


def format_warnings(report: Report) -> list[str]:
    """The warnings as text lines (``path:line:col: warning: …``)."""
    return [f"{shown_name(p.path)}:{p.line}:{p.col}: warning: {p.message}" for p in report.warnings]
