"""The release policy: the calendar, support windows and the next version.

``calendar`` answers when a version is cut and released and which releases are
supported; ``bump`` computes the next semantic version from the changes.  Pure
computations from the configuration, the notes and the fragments.  May import: notes,
fragments, config, git, the ground floor.
"""
