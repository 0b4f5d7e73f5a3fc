"""Reading blobs and trees by object name, which :class:`relnotes.git.repo.Repo` inherits.

It exists apart from :mod:`relnotes.git.repo` because reading file contents and
directory listings at many revisions at once (``REV:PATH`` texts, blob ids, the files
under a directory) is one job with its own batching rules, separate from starting git
processes, validating what reaches them and asking refs and state questions.  The
methods here go through the persistent ``cat-file`` that :meth:`Repo.read_objects` owns
(and :meth:`Repo.close` reaps) and through :meth:`Repo.run`; this module never
imports GitPython.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from relnotes.git.arguments import check_path, check_revision
from relnotes.git.catfile import tree_entries

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator


def object_names(specs: list[str]) -> list[tuple[int, bytes]]:
    """``(position, name)`` of the object names that can be one ``cat-file`` request line;
    the revision part of ``REV:PATH`` (or a bare name) passes :func:`check_revision`."""
    asked = []
    for i, spec in enumerate(specs):
        if not spec or "\n" in spec or "\r" in spec:
            continue  # would be no request, or two: never answered (None)
        rev = spec.partition(":")[0]
        if rev:  # ":PATH" is the index
            check_revision(rev)
        asked.append((i, spec.encode("utf-8")))
    return asked


class ObjectReading:
    """Blob and tree reading for :class:`relnotes.git.repo.Repo` (needs its ``run`` and ``read_objects``)."""

    # What Repo defines; declared here for the type checker only.
    run: Callable[..., Any]
    read_objects: Callable[[list[bytes]], list[tuple[bytes, bytes, bytes] | None]]

    def read_blobs(self, specs: list[str]) -> list[str | None]:
        """Many texts by object name — ``REV:PATH``, ``:PATH`` (the index) or a blob id —
        (None when absent or not a blob) through the persistent ``git cat-file --batch``
        (:class:`relnotes.git.catfile.CatFile`)."""
        found: list[str | None] = [None] * len(specs)
        asked = object_names(specs)
        for (i, _), obj in zip(asked, self.read_objects([name for _, name in asked])):
            if obj is not None and obj[1] == b"blob":
                found[i] = obj[2].decode("utf-8", errors="replace")
        return found

    def blob_ids(self, specs: list[str]) -> list[str | None]:
        """The object ids of many ``REV:PATH`` (None when absent), one ``cat-file --batch-check``.

        Only names are asked for, so git resolves trees but never opens (or, in a partial
        clone, downloads) a blob: callers can skip the contents they already know by id.
        """
        found: list[str | None] = [None] * len(specs)
        asked = object_names(specs)
        if asked:
            out = self.run("cat-file", "--batch-check=%(objectname)",
                           stdin=b"".join(name + b"\n" for _, name in asked), strip=False)
            for (i, _), line in zip(asked, out.split("\n")):
                found[i] = None if line.endswith((" missing", " ambiguous")) else line.strip()
        return found

    def show_file(self, rev: str, path: str) -> str | None:
        """A file's text at ``rev`` or None when absent (see read_blobs for many)."""
        check_path(path)
        return self.read_blobs([f"{rev}:{path}"])[0]

    def ls_tree(self, rev: str, directory: str) -> list[str]:
        """Paths of the files under ``directory`` at ``rev`` (``git ls-tree -r --name-only``)."""
        return self.ls_trees([rev], directory)[rev]

    def ls_trees(self, revs: list[str], directory: str) -> dict[str, list[str]]:
        """For each of ``revs``, the paths of the files under ``directory``, as ``git
        ls-tree -r --name-only`` lists them (tree order, subdirectories in place).

        The trees are read through the persistent ``cat-file``: one round trip for
        all revisions and one per level of subdirectories, not a process per revision.
        """
        top = directory.strip("/")
        if top not in ("", "."):
            check_path(top)
        top = "" if top == "." else top
        for rev in revs:
            check_revision(rev)
        roots = dict(zip(revs, self.read_objects([f"{rev}:{top}".encode("utf-8") for rev in revs])))
        trees: dict[bytes, list[tuple[bool, str, bytes]]] = {}
        for obj in roots.values():
            if obj is not None and obj[1] == b"tree":
                trees[obj[0]] = tree_entries(obj[2], len(obj[0]) // 2)
        while True:
            wanted = sorted({sha for entries in trees.values() for is_tree, _, sha in entries
                             if is_tree and sha not in trees})
            if not wanted:
                break
            for sha, obj in zip(wanted, self.read_objects(wanted)):
                trees[sha] = tree_entries(obj[2], len(sha) // 2) if obj is not None and obj[1] == b"tree" else []

        def walk(sha: bytes, prefix: str) -> Iterator[str]:
            for is_tree, name, entry_sha in trees[sha]:
                if is_tree:
                    yield from walk(entry_sha, f"{prefix}{name}/")
                else:
                    yield prefix + name

        return {rev: list(walk(obj[0], f"{top}/" if top else "")) if obj is not None and obj[1] == b"tree" else []
                for rev, obj in roots.items()}
