"""The maintainer verbs: init, new, build, show, stamp, cut, patch, release, rc, tag, archive.

One module per verb; ``steps`` holds what they share (the repository, all-or-nothing
writes, the commit, the shared result records) so that no verb imports another, except
through the Keep a Changelog flow (``keepachangelog``), which ``stamp`` and ``release``
hand that format to.  Each function takes a config, checks first, then writes, and
returns a result; none prints or exits.  May import: everything below (render, policy,
notes, fragments, config, git, markdown, the ground floor).
"""
