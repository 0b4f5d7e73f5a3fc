"""A repository's web address from its git remote (``git@github.com:o/r.git`` →
``https://github.com/o/r``), for ``repository`` in a configuration relnotes proposes.

The address ends up in every link relnotes writes, and it comes from ``.git/config`` or a
flag, so it is accepted only in a plain form: http(s), a host name, an optional port
and a path of ordinary name characters.  Credentials in a remote URL
(``https://user:token@host/…``) are never carried into the address.  Pure functions;
reading the remotes is :meth:`relnotes.gitio.Repo.remote_urls`.
"""

from __future__ import annotations

import re

_HOST = r"(?P<host>[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)"
_PATH = r"(?P<path>[A-Za-z0-9._~-]{1,100}(?:/[A-Za-z0-9._~-]{1,100}){1,7})"
# scp-like: [user@]host:owner/repo(.git)
_SCP = re.compile(rf"^(?:[A-Za-z0-9._-]{{1,64}}@)?{_HOST}:(?!/){_PATH}/?$")
# ssh://, git://, http(s)://, with optional user[:password]@ and :port
_URL = re.compile(rf"^(?P<scheme>ssh|git|git\+ssh|https?)://(?:[^@/\s]{{1,200}}@)?{_HOST}(?::(?P<port>[0-9]{{1,5}}))?"
                  rf"/{_PATH}/?$")

# The names tried in order when a repository has several remotes.
PREFERRED = ("origin", "upstream")


def web_address(remote_url: str) -> str | None:
    """The https address of a remote URL, or None when it is not a hosted repository's."""
    url = remote_url.strip()
    m = _URL.match(url)
    if m:
        scheme = "http" if m["scheme"] == "http" else "https"
        port = f":{m['port']}" if m["port"] and m["scheme"] in ("http", "https") else ""  # not ssh's port
        return _address(scheme, m["host"], port, m["path"])
    m = _SCP.match(url)
    if m:
        return _address("https", m["host"], "", m["path"])
    return None


def _address(scheme: str, host: str, port: str, path: str) -> str | None:
    if path.endswith(".git"):
        path = path[:-4]
    parts = path.split("/")
    if any(p in ("", ".", "..") or p.startswith(".") for p in parts):
        return None
    return f"{scheme}://{host.lower()}{port}/{path}"


def choose(remotes: dict[str, str]) -> tuple[str, str] | None:
    """(remote name, web address) of the preferred remote that has one, or None."""
    names = [n for n in PREFERRED if n in remotes] + sorted(n for n in remotes if n not in PREFERRED)
    for name in names:
        address = web_address(remotes[name])
        if address:
            return name, address
    return None


def check_repository(value: str) -> str:
    """A ``--repository`` address, normalised (no ``.git``, no trailing ``/``), or UsageError."""
    from relnotes.errors import UsageError

    m = _URL.match(value.strip())
    if not m or m["scheme"] not in ("http", "https") or "@" in value.split("//", 1)[-1].split("/", 1)[0]:
        raise UsageError(f"--repository {value!r} is not a repository's web address",
                         hint="pass it like https://github.com/OWNER/REPO (no credentials)")
    address = web_address(value)
    if address is None:
        raise UsageError(f"--repository {value!r} is not a repository's web address",
                         hint="pass it like https://github.com/OWNER/REPO")
    return address
