"""towncrier fragments' inline reStructuredText as Markdown (relnotes.migrate.towncrier_rst),
and towncrier's entry order (relnotes.migrate.towncrier_order)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.migrate import towncrier_order
from relnotes.migrate.towncrier_rst import Links, code, convert

LINKS = Links(issue="https://github.com/o/r/issues/{number}", pr="https://github.com/o/r/pull/{number}")


@pytest.mark.parametrize(("rst", "markdown"), [
    # real fragments: pytest 8593, aiohttp 10611, 10468, 12567 and pytest 14774
    (":func:`Metafunc.parametrize() <pytest.Metafunc.parametrize>`", "`Metafunc.parametrize()`"),
    (":ref:`@pytest.mark.parametrize <pytest.mark.parametrize ref>`", "`@pytest.mark.parametrize`"),
    ("per :rfc:`9112` section 7.1", "per [RFC 9112](https://datatracker.ietf.org/doc/html/rfc9112.html) section 7.1"),
    (":rfc:`6455#section-7.4.1`",
     "[RFC 6455#section-7.4.1](https://datatracker.ietf.org/doc/html/rfc6455.html#section-7.4.1)"),
    (":pep:`8`", "[PEP 8](https://peps.python.org/pep-0008/)"),
    ("Added ``:canonical:`` directives", "Added `:canonical:` directives"),
    (":external+yarl:doc:`yarl's docs <index>`", "`yarl's docs`"),
    (":external+multidict:doc:`index`", "`index`"),
    ("see :issue:`10819` and :pr:`14011`",
     "see [#10819](https://github.com/o/r/issues/10819) and [#14011](https://github.com/o/r/pull/14011)"),
    (":class:`~aiohttp.ClientSession`", "`ClientSession`"),
    ("a `link <https://example.org/x>`_ and `anon <https://example.org/y>`__",
     "a [link](https://example.org/x) and [anon](https://example.org/y)"),
    ("default role `Full diff:` and `text <target>`", "default role `Full diff:` and `text`"),
    ("``a `b` c``", "``a `b` c``"),
    ("*emphasis* and **strong** stay", "*emphasis* and **strong** stay"),
])
def test_roles_become_links_or_code(rst, markdown):
    assert convert(rst, LINKS).text == markdown


def test_user_roles_become_links_and_authors():
    out = convert("Fixed it -- by :user:`bdraco` and :user:`Dreamsorcerer` and :user:`bdraco`.", LINKS)
    assert out.text == ("Fixed it -- by [@bdraco](https://github.com/bdraco) and "
                        "[@Dreamsorcerer](https://github.com/Dreamsorcerer) and [@bdraco](https://github.com/bdraco).")
    assert out.authors == ("bdraco", "Dreamsorcerer")


def test_numbers_without_a_link_pattern_become_code():
    assert convert("see :issue:`12`", Links()).text == "see `12`"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(":<>_~ab#1 .()*")), max_size=60),
       st.text(alphabet=st.sampled_from(list("abc.()_ ")), min_size=1, max_size=12))
def test_a_titled_role_never_leaks_its_target(noise, title):
    """Whatever text of one line (without backquotes of its own) surrounds it; a literal
    block (a line ending in '::', then indented lines) shows its text verbatim, as Sphinx does."""
    target = "zz.secret.target"
    text = convert(f"{noise} :func:`{title.strip() or 'x'} <{target}>` {noise}").text
    assert target not in text.replace(noise, "")
    assert len(text) <= 4 * (2 * len(noise) + len(title) + 30)  # bounded: no blow-up


def test_code_uses_a_longer_fence_for_backquotes():
    assert code("a`b") == "``a`b``" and code("`x") == "`` `x ``"


def test_issue_key_is_towncrier_s():
    # the example of towncrier's own doctest (src/towncrier/_builder.py, issue_key)
    assert sorted(["2", "#11", "#3", "gh-10", "gh-4", "omega", "alpha"], key=towncrier_order.issue_key) == \
        ["alpha", "omega", "#3", "#11", "gh-4", "gh-10", "2"]


def test_order_by_number_then_orphans_by_text_or_by_rendered_reference():
    entries = [("b", ["2174"]), ("orphan z", []), ("a", ["10611"]), ("orphan a", []), ("c", ["certifi"])]
    assert [entries[i][0] for i in towncrier_order.order(entries)] == ["c", "b", "a", "orphan a", "orphan z"]
    by_text = towncrier_order.order(entries, by_reference=True)
    assert [entries[i][0] for i in by_text] == ["orphan a", "orphan z", "a", "b", "c"]


def test_template_with_dictsort_by_value_is_recognised():
    pytest_template = "{% for text, values in sections[section][category]|dictsort(by='value') %}"
    assert towncrier_order.template_sorts_by_reference(pytest_template)
    assert not towncrier_order.template_sorts_by_reference("{% for text, values in sections[s][c].items() %}")
    assert not towncrier_order.template_sorts_by_reference(None)


def test_rst_conversion_in_a_subprocess_matches():
    """The converter as a separate interpreter runs it (no state shared with the test process)."""
    r = subprocess.run([sys.executable, "-c", "from relnotes.migrate.towncrier_rst import convert;"
                        "print(convert(':pep:`440` and :meth:`~a.B.c`').text)"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"\[PEP 440\]\(https://peps.python.org/pep-0440/\) and `c`\n", r.stdout)


def test_literal_blocks_become_fenced_code_their_text_untouched():
    rst = ("Use it like this::\n\n    def f():\n        return ``x``\n\nand :func:`g`.\n\n"
           "- in a list:\n\n  .. code-block:: python\n\n      print(1)\n\n  after.")
    assert convert(rst).text == ("Use it like this:\n\n```\ndef f():\n    return ``x``\n```\n\nand `g`.\n\n"
                                 "- in a list:\n\n  ```python\n  print(1)\n  ```\n\n  after.")
    assert convert("Expanded ::\n\n  x = 1").text == "Expanded\n\n```\nx = 1\n```"
    assert convert("A colon:: but no block").text == "A colon:: but no block"


@pytest.mark.parametrize(("current", "sections", "expected"), [
    ("1.2.0", ["Bug Fixes"], "1.2.1"), ("1.2.0", ["Features", "Bug Fixes"], "1.3.0"),
    ("1.2.0", ["Removed", "Features"], "2.0.0"), ("0.4.1", ["Removed"], "0.5.0"), ("0.4.1", ["Features"], "0.4.2"),
    ("1.3.0rc1", ["Removed"], "1.3.0"), ("1.3.0-rc.1", ["Features"], "1.3.0"), ("26.2", ["Features"], "26.3.0"),
    (None, ["Removed"], "0.1.0"), ("next", ["Removed"], "0.1.0"),
])
def test_the_upcoming_version_of_the_imported_entries(current, sections, expected):
    from relnotes.migrate.towncrier import upcoming

    assert upcoming(current, sections, {"major": ["Removed"], "minor": ["Features"]}) == expected


@pytest.mark.parametrize("text", [
    "a:" * 32768,  # every ':' could start a role name
    "`a" + " " * 65536 + "<b>",  # a hyperlink's text and its blanks
    ":a:`" + " " * 65536 + "x <y>`",  # a role's title and its blanks
    "``x`" * 16384,
    ("x::\n\n " + "y\n") * 8192,
])
def test_a_fragment_built_against_the_patterns_converts_in_linear_time(text):
    import time

    start = time.perf_counter()
    convert(text, LINKS)
    assert time.perf_counter() - start < 3  # each was seconds to a minute with backtracking patterns


def test_a_template_built_against_the_order_pattern_is_read_in_linear_time():
    import time

    start = time.perf_counter()
    for template in ("for in sections " * 60000, "{% for x in sections|" * 50000):
        assert not towncrier_order.template_sorts_by_reference(template)
    assert time.perf_counter() - start < 3
