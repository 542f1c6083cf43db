"""The README stays in step with the registry and keeps the two set-up commands verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"

SETUP_COMMANDS = (
    "pip install torch==2.13.0 && pip install -e . && lincomb check --all",
    'pip install torch==2.13.0 && pip install -e ".[test,learn,distributed]" && pytest -q',
)


@pytest.fixture(scope="module")
def readme_text() -> str:
    if not README.is_file():
        pytest.skip("README.md not found beside tests/ (not a source checkout)")
    return README.read_text(encoding="utf-8")


def test_setup_commands_verbatim(readme_text):
    for command in SETUP_COMMANDS:
        assert command in readme_text


def test_ci_runs_the_readme_test_command():
    ci = README.parent / ".ci" / "run"
    if not ci.is_file():
        pytest.skip(".ci/run not found")
    assert SETUP_COMMANDS[1] in ci.read_text(encoding="utf-8")


def test_checks_table_matches_registry(readme_text):
    from lincomb.proofs_check.registry import registry_markdown

    assert registry_markdown() in readme_text, (
        "README's table of checks is stale: paste the output of "
        "`python -m lincomb.proofs_check.registry --markdown`"
    )


def test_the_short_tour_runs_and_shows_what_its_comments_say(readme_text):
    # The tour's first Python block runs as printed; a few of the values its comments state are checked.
    start = readme_text.index("```python", readme_text.index("## A short tour")) + len("```python")
    namespace: dict = {}
    exec(readme_text[start:readme_text.index("```", start)], namespace)
    from fractions import Fraction

    from lincomb.theory.chamber_identity import prove_identity_on_braid_chambers

    representation = namespace["r"]
    assert (representation.feasible, len(representation.terms), representation.widths()) == (True, 3, (20, 62))
    assert namespace["Affine"]([1, 2], "1/2")([1, 1]) == Fraction(7, 2)
    network, target = representation.network().to_program(), namespace["max_function"](5).to_program()
    assert prove_identity_on_braid_chambers(network, target).equal
