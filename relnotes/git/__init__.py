"""Every git question, through GitPython: the repository, values checked before they reach
git, one persistent ``cat-file``, the commit graph of every branch and tag, backports.

``repo`` is the face (:class:`~relnotes.git.repo.Repo`); ``arguments`` is the one place
that decides whether a value may reach git; ``catfile`` and ``objects`` read blobs and
trees; ``history`` and ``graph`` keep and query the commit graph; ``backports`` reads
which original changes a squash-merged commit carries.  GitPython is imported here
only.  May import: the ground floor (errors, cache).
"""
