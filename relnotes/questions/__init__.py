"""The read-only questions: when, backports, history, upgrade, site.

``shipping`` answers ``when`` and ``backports``; ``stitch`` joins every branch's
release sections into one history; ``upgrade`` says what to read between two releases;
``site`` writes the static site.  Nothing here writes to the repository.  May import:
flows (``show``'s choice of release), and everything below it.
"""
