"""The release policy: the calendar, support windows and the next version.

``calendar`` answers when a version is cut and released and which releases are
supported; ``bump`` computes the next version from the changes in the project's scheme
(``schemes``: semver, ``pep440``, ``calver``, major-per-release), starting from the notes
or the release tags (``tags`` tells ``v{version}`` from ``{version}``).  Pure
computations from the configuration, the notes and the fragments.  May import: notes,
fragments, config, git, the ground floor.
"""
