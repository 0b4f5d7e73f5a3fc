"""Entry point for the ``relnotes`` script and ``python -m relnotes``.

``relnotes --version`` is answered here, before typer (and anything else) is
imported, so the most common health check in CI costs little more than starting
Python.

Every other command starts by importing typer and the command line: some 17 000
tracked objects that live until the process exits.  With the cyclic garbage
collector on, each of its full collections walks all of them again, and so does the
last one at exit: about 9 % of ``build --draft``'s instructions at 1 000 fragments
(callgrind: 383 M without this, 347 M with it).  So the collector is paused during
those imports and what they created is frozen (``gc.freeze``: left out of every
later collection); then the collector runs as usual for the command itself, whose
garbage it still reclaims.
"""

import sys

from relnotes import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        try:
            if sys.stdout is not None:  # None: started with stdout closed (``relnotes --version >&-``)
                sys.stdout.write(f"relnotes {__version__}\n")
                sys.stdout.flush()
        except BrokenPipeError:  # ``relnotes --version | true``: quiet, as in every command (cli.common.closed_pipe)
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise SystemExit(141) from None
        return
    import gc

    gc.disable()
    try:
        from relnotes import cli  # typer loads with it: after --version is answered

        cli.load_for(sys.argv[1:])  # the invoked command's group and the library it uses, frozen with the rest
    finally:
        gc.freeze()
        gc.enable()
    cli.main()


if __name__ == "__main__":
    main()
