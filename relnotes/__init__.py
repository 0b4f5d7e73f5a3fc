"""relnotes: release-notes fragments in, RELEASES.md out, for branch-based release trains."""

__version__ = "0.1.0"
