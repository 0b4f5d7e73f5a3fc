"""Migration: ``import notes`` (a release section into fragments) and ``import towncrier``.

``towncrier_config`` converts a towncrier configuration (``towncrier_types`` checks its
values, ``towncrier_meaning`` gives its types bump levels); ``towncrier`` its fragments
(``towncrier_rst`` turns their reStructuredText into Markdown, ``towncrier_order`` orders
them as towncrier does); ``notes_import`` splits existing notes (``notes_sections``: the
categories no configured section matches, and ``--add-sections``; ``notes_rebuild``: whether
``build`` gives the section back byte for byte).  May import: flows, and everything below it.
"""
