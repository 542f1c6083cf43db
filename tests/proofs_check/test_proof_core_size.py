"""Issue 17, build item 2: the proof core (proof checkers and their helpers) is small enough to audit.

The count is that of ``proof_core_size.py`` (run it for the table): code lines without docstrings, comments or
blank lines, over every module of ``proofs_check/checkers`` except the measurement checkers.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

_SPEC = importlib.util.spec_from_file_location("proof_core_size", Path(__file__).with_name("proof_core_size.py"))
size = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(size)

#: Issue 17's bound.
LIMIT = 2_500
#: The size reached so far (3,683 before the consolidation of issue 17): the core may shrink, never grow.
#: Lower it when you shrink the core. Raised once, by 12 lines, for the subset dynamic program in the max-representation
#: checker's ordering counts (the n = 10 certificate took 28 CPU minutes to verify, now about two).  Lowered to
#: 2,601 after the second consolidation (shared condition helpers reject_unless / malformed_unless, one chamber
#: algebra in _exact, region-count's two- and three-row loops merged; verify times within +-5 %).  Third pass
#: (shared structure across modules, verify times within +5 %): see the git log of this file for each step.
#: Fourth pass (private readers replaced by the shared ones, where only a message's wording differed): 2,500.
CEILING = 2_500


def test_code_lines_leave_out_docstrings_comments_and_blank_lines(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('"""Module\n\ndocstring."""\n\n# a comment\nimport os  # why\n\n\ndef f():\n'
                      '    """Docstring."""\n    return (os.sep,\n            1)\n')
    assert size.code_lines(sample) == 4  # import, def, and the two lines of the return


def test_every_proof_module_counts_and_measurements_do_not():
    sizes = size.proof_core_sizes()
    assert {"__init__.py", "_common.py", "_exact.py", "cpwl_identity.py", "region_count.py"} <= set(sizes)
    assert not {"symreg_recovery.py", "convergence_measurement.py", "lifting_measurement.py"} & set(sizes)


def test_the_proof_core_does_not_grow():
    total = sum(size.proof_core_sizes().values())
    assert total <= CEILING, f"the proof core has {total} code lines, more than {CEILING}: consolidate before adding"


def test_the_proof_core_is_at_most_2500_code_lines():
    total = sum(size.proof_core_sizes().values())
    assert total <= LIMIT, f"the proof core has {total} code lines; issue 17 asks for at most {LIMIT}"
