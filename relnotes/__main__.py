"""Entry point for the ``relnotes`` script and ``python -m relnotes``.

``relnotes --version`` is answered here, before typer (and anything else) is
imported, so the most common health check in CI costs little more than starting
Python.
"""

import sys


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        from relnotes import __version__

        sys.stdout.write(f"relnotes {__version__}\n")
        return
    from relnotes.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
