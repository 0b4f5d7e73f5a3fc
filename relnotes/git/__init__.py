"""Every git question: the repository, values checked before they reach git, one
persistent ``cat-file``, the commit graph of every branch and tag, backports.

``repo`` is the face (:class:`~relnotes.git.repo.Repo`); ``process`` finds the
repository and runs plumbing (git as a plain child process); ``porcelain`` runs the commands that
change history (commit, tag, branch, push) through GitPython, the only module that
imports it (its import costs more than towncrier's whole ``check``, so reading commands
never load it); ``arguments`` is the one place that decides whether a value may reach
git; ``catfile`` and ``objects`` read blobs and trees; ``history`` and ``graph`` keep
and query the commit graph; ``backports`` reads which original changes a squash-merged
commit carries.  May import: the ground floor (errors, cache).
"""
