"""The gate: ``relnotes check`` (lint and the pull-request rule) and the PR preview.

May import: flows (the build the preview shows), and everything below it.
"""
