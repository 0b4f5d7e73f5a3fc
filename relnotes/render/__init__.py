"""Rendering: the built-in templates and a project's overrides, sandboxed and budgeted.

``environment`` is the :class:`~relnotes.render.environment.Renderer` every command uses (built-ins in Python, Jinja
only for overrides); ``sandbox`` confines overrides to the repository and Jinja's
sandbox; ``budgets`` bounds their work; ``catalog`` says what each template receives.
Jinja is imported here only.  May import: fragments, config, markdown, the ground floor.
"""
