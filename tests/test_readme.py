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
