"""upgrade asks about every advisory on the path in one pass (issue 30): the notes files
read and parsed once, the commit messages read in a fixed number of git calls however
many advisories there are (it took 2.0-2.4 s CPU on Wasmtime's 24.0.0 -> 36.0.0, one
pass per advisory; 0.7-1.0 s now), with the same answers as asking one at a time."""

from __future__ import annotations

import json

from relnotes.config.load import load
from relnotes.git.history import History
from relnotes.git.repo import Repo
from relnotes.questions import advisories
from tests.test_advisories_real import VQJP, X84V, security_release  # noqa: F401  (the fixture)


def _tips(cfg, repo):
    h = History.load(repo, cfg.remote)
    return h, {full: sha for full, sha in h.refs.items() if full.startswith("refs/heads/")
               and full != f"refs/heads/{cfg.main_branch}"}


def test_one_pass_names_what_one_at_a_time_names(security_release, project):  # noqa: F811
    cfg = load(start=project.root)
    repo = Repo(project.root)
    _h, tips = _tips(cfg, repo)
    idents = [X84V, VQJP, "GHSA-hgjw-h833-99q9", "CVE-2099-0001"]
    together = advisories.named_in_notes_of(cfg, repo, tips, idents)
    versions = {i: [str(n.version) for n in v] for i, v in together.items()}
    assert versions == {X84V: ["46.0.3", "47.0.4"], VQJP: ["24.0.13", "36.0.14", "46.0.3", "47.0.4"],
                        "GHSA-hgjw-h833-99q9": ["24.0.12", "36.0.13", "46.0.2", "47.0.3"], "CVE-2099-0001": []}
    # each on its own line's branch, and case does not matter in the question
    assert together[VQJP][0].branch == "refs/heads/release-24.0.0"
    assert advisories.named_in_notes_of(cfg, repo, tips, [VQJP.upper()])[VQJP.upper()] == together[VQJP]


def test_upgrade_reads_messages_a_fixed_number_of_times(security_release, project, monkeypatch):  # noqa: F811
    calls: list[int] = []
    real = advisories.read_messages

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(advisories, "read_messages", counting)
    r = project.run("upgrade", "24.0.12", "48.0.0", "--format", "json")
    assert r.exit_code == 0, r.output
    found = {a for g in json.loads(r.stdout)["groups"] for e in g["entries"] for a in e["advisories"]}
    assert {X84V, VQJP} <= found and len(found) >= 3
    # the fixes' messages, the off-main messages, main's near the fixes: once each
    assert 0 < len(calls) <= 3, len(calls)
