"""The notes file as a document model: surgical, byte-preserving edits, one module per format.

``base`` is what every document is (its lines and an index); ``releases`` scans
Wasmtime's ``RELEASES.md``, ``keepachangelog`` a Keep a Changelog file, ``rst``
towncrier's reStructuredText notes, each knowing nothing of the others; ``editing`` holds
the splices, ``model`` the records, ``blocks`` a category's entries; ``problems``,
``keepachangelog_problems`` and ``rst_problems`` are what ``check`` reports; ``formats`` is the one place that picks the model for a project.
May import: markdown (the structure grammar, the block scanner), the ground floor.
"""
