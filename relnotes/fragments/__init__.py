"""Fragments: one file per change, YAML front matter and a Markdown body.

``fragment`` loads and validates them (every problem located, all at once);
``front_matter`` reads the YAML; ``schema`` is the one description of the front
matter; ``credit`` is the thanks line.  May import: config, markdown, the ground floor.
"""
