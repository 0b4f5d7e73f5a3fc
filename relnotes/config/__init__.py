"""``relnotes.yaml`` (or ``[tool.relnotes]``) into a frozen, validated :class:`~relnotes.config.records.Config`.

``keys`` is the declarative table of every key; ``rules`` checks and coerces each
value; ``records`` holds the frozen records; ``load`` finds, reads, caches and builds
them; ``pyproject`` reads the TOML table; ``presets`` and ``projects`` (monorepos) and
``fields`` (custom fragment fields) are the tables with rules of their own; ``vpatterns``
is the pattern language of ``version_files``; ``schema``
is the JSON Schema for editors.  May import: git (branch-name rules), markdown
(configured text is screened like an entry), the ground floor.
"""
