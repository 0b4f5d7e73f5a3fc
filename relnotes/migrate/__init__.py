"""Migration: ``import notes`` (a release section into fragments) and ``import towncrier``.

``towncrier_config`` converts a towncrier configuration; ``towncrier`` its fragments;
``notes_import`` splits existing notes.  May import: flows, and everything below it.
"""
