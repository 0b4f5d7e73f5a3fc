"""The maintainer verbs: init, new, build, show, stamp, cut, patch, release, rc, tag, archive.

One module per verb; ``steps`` holds what they share (the repository, all-or-nothing
writes, the commit, the shared result records).  A verb that is made of others says so
by importing them: ``release`` builds then stamps, ``cut`` adds an archive link, the
Keep a Changelog flow (``keepachangelog``) builds before it stamps, ``publishing``
shows the release a tag and a GitHub release page carry, ``onebranch`` opens a one-branch
project's next section for ``release``, and ``identity`` reads what ``init`` learns from a
project's own files (pyproject.toml, package.json, Cargo.toml, ``__version__``).  Each function takes a
config, checks first, then writes, and returns a result; none prints or exits.  May import: everything below (render, policy,
notes, fragments, config, git, markdown, the ground floor).
"""
