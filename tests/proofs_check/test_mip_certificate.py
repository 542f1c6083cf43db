"""mip-optimum certificates: the checks pass, the checker verifies, every defect is rejected.

The fixtures under certificates/{valid,invalid,malformed}/mip-*.json are regenerated with
``python tests/proofs_check/test_mip_certificate.py``; each defective one is a valid n = 3
certificate with exactly one defect.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest

from lincomb.cli import main as cli_main
from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.checkers.mip_optimum import build_model
from lincomb.proofs_check.registry import Check
from lincomb.proofs_check.runner import run_check

HERE = Path(__file__).parent / "certificates"


def _first(tree, kind):
    return next(i for i, node in enumerate(tree) if kind in node)


# Rows with a-variables: changing their multiplier breaks d_a = 0 (or frees y), so the proof breaks.
# (A changed multiplier of an on[S] row at z_S = 0 can leave a *valid* proof, which is then rightly accepted.)
A_ROWS = ("lower[", "off[", "link[")


def changed_multiplier(cert):
    tree = cert["data"]["tree"]
    node = next(n for n in tree if any(r.startswith(A_ROWS) for r in n.get("bound", {})))
    row = next(r for r in node["bound"] if r.startswith(A_ROWS))
    node["bound"][row] = "7/3" if node["bound"][row] != "7/3" else "5/2"
    return cert


def removed_leaf(cert):
    tree = cert["data"]["tree"]
    leaf = _first(tree, "bound")
    parent = next(i for i, node in enumerate(tree) if leaf in node.get("children", []))
    tree[parent]["children"] = [c if c != leaf else len(tree) for c in tree[parent]["children"]]
    return cert


def swapped_branch(cert):
    tree = cert["data"]["tree"]
    tree[0]["branch"], tree[1]["branch"] = tree[1]["branch"], tree[0]["branch"]
    return cert


def lower_upper_bound(cert):
    cert["claim"]["upper_bound"] = "19/10"
    cert["claim"]["lower_bound"] = "19/10"
    return cert


def bad_incumbent(cert):
    incumbent = cert["data"]["incumbent"]
    name = next(k for k, v in incumbent.items() if k.startswith("y[") and v != "0")
    incumbent[name] = "100"
    return cert


def bad_symmetry(cert):
    cert["data"]["symmetries"][1] = [1, 0, 2, 3]
    return cert


def image_of_image(cert):
    tree = cert["data"]["tree"]
    images = [i for i, node in enumerate(tree) if "image_of" in node]
    tree[images[1]]["image_of"] = images[0]
    return cert


def wrong_symmetry_index(cert):
    tree = cert["data"]["tree"]
    node = tree[_first(tree, "image_of")]
    node["symmetry"] = 0  # the identity does not map the representative onto this node
    return cert


def float_multiplier(cert):
    tree = cert["data"]["tree"]
    node = tree[_first(tree, "bound")]
    node["bound"][next(iter(node["bound"]))] = 0.5
    return cert


def missing_tree(cert):
    del cert["data"]["tree"]
    return cert


def unknown_row(cert):
    tree = cert["data"]["tree"]
    tree[_first(tree, "bound")]["bound"]["nosuch[1]"] = "1"
    return cert


# file -> (mutation, exit code, phrase in the verdict line)
DEFECTS = {
    "invalid/mip-optimum-changed-multiplier.json": (changed_multiplier, 1, "tree node"),
    "invalid/mip-optimum-removed-leaf.json": (removed_leaf, 1, "is not a node of the tree"),
    "invalid/mip-optimum-swapped-branch.json": (swapped_branch, 1, "tree node"),
    "invalid/mip-optimum-wrong-upper-bound.json": (lower_upper_bound, 1, "incumbent has objective 2"),
    "invalid/mip-optimum-bad-incumbent.json": (bad_incumbent, 1, "incumbent"),
    "invalid/mip-optimum-bad-symmetry.json": (bad_symmetry, 1, "data.symmetries[1]"),
    "invalid/mip-optimum-image-of-image.json": (image_of_image, 1, "has image nodes in its subtree"),
    "invalid/mip-optimum-wrong-symmetry.json": (wrong_symmetry_index, 1, "symmetry 0 maps the fixing"),
    "malformed/mip-optimum-float-multiplier.json": (float_multiplier, 2, "data.tree["),
    "malformed/mip-optimum-missing-tree.json": (missing_tree, 2, "data.tree: missing"),
    "malformed/mip-optimum-unknown-row.json": (unknown_row, 2, "nosuch[1]"),
}
VALID = ("valid/mip-optimum-n2.json", "valid/mip-optimum-n3.json")


def write_fixtures() -> None:
    """Regenerate the fixtures from the real search."""
    from lincomb.proofs_check.hbdss_mip import certificate_for

    for name, n in zip(VALID, (2, 3)):
        cert = certificate_for(n)
        (HERE / name).write_text(json.dumps(cert, indent=1) + "\n")
    base = json.loads((HERE / VALID[1]).read_text())
    for name, (mutate, _, _) in DEFECTS.items():
        (HERE / name).write_text(json.dumps(mutate(copy.deepcopy(base)), indent=1) + "\n")


@pytest.mark.parametrize("name", VALID)
def test_valid_fixtures_verify(name, capsys):
    assert cli_main(["verify", str(HERE / name)]) == 0
    assert "s VERIFIED" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(DEFECTS))
def test_defective_fixtures_are_rejected_with_the_reason(name, capsys):
    _, exit_code, phrase = DEFECTS[name]
    assert cli_main(["verify", str(HERE / name)]) == exit_code
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("s ")]
    assert len(lines) == 1 and phrase in lines[0], lines


def test_fixtures_are_one_defect_away_from_the_valid_certificate():
    base = json.loads((HERE / VALID[1]).read_text())
    for name, (mutate, _, _) in DEFECTS.items():
        assert json.loads((HERE / name).read_text()) == mutate(copy.deepcopy(base)), name


def test_every_multiplier_change_in_every_leaf_is_rejected():
    base = json.loads((HERE / VALID[1]).read_text())
    tree = base["data"]["tree"]
    leaves = [i for i, node in enumerate(tree) if "bound" in node]
    for i in leaves:
        for row in [r for r in tree[i]["bound"] if r.startswith(A_ROWS)]:
            cert = copy.deepcopy(base)
            cert["data"]["tree"][i]["bound"][row] = "1000"
            verdict = verify_certificate(cert)
            assert not verdict.verified and f"tree node {i}" in verdict.reason, (i, row, verdict.reason)


def test_every_branch_variable_swap_is_rejected():
    base = json.loads((HERE / VALID[1]).read_text())
    tree = base["data"]["tree"]
    branches = [i for i, node in enumerate(tree) if "branch" in node]
    for i in branches[:30]:
        cert = copy.deepcopy(base)
        node = cert["data"]["tree"][i]
        node["children"] = node["children"][::-1]  # swap the two sides of the branch
        assert not verify_certificate(cert).verified, i


def test_every_leaf_removal_is_rejected():
    base = json.loads((HERE / VALID[1]).read_text())
    tree = base["data"]["tree"]
    for leaf in [i for i, node in enumerate(tree) if "bound" in node or "image_of" in node][:40]:
        cert = copy.deepcopy(base)
        for node in cert["data"]["tree"]:
            if leaf in node.get("children", []):
                node["children"] = [c for c in node["children"] if c != leaf]
        assert not verify_certificate(cert).verified, leaf


def test_checker_model_is_the_solver_model():
    """Two independent builds of the MIP (search side and stdlib checker) agree row by row."""
    from lincomb.solvers.hbdss_mip import hbdss_mip

    for n in (2, 3, 4, 5):
        mip, model = hbdss_mip(n), build_model(n)
        assert list(mip.variables) == model.variables
        rows = {name: ({mip.variables[j]: int(v) for j, v in c.items()}, int(b)) for name, c, b in mip.rows}
        assert rows == model.rows
        assert {mip.variables[j]: int(c) for j, c in mip.objective.items()} == model.objective


@pytest.mark.parametrize("suffix, value", [("n2", "1"), ("n3", "2")])
def test_checks_n2_n3_pass(tmp_path, suffix, value):
    check = Check(f"hbdss-mip-{suffix}", "c", "s", "quick", (), "hbdss_mip", f"run_{suffix}")
    result = run_check(check, out_dir=tmp_path)
    assert result.status == "PASS", result.message
    cert = json.loads(Path(result.certificate_paths[0]).read_text())
    assert cert["claim"]["lower_bound"] == cert["claim"]["upper_bound"] == value


def test_check_n4_passes_and_its_certificate_verifies(tmp_path, capsys):
    """Theorem 1.7: the maximum for n = 4 is exactly 0 (about 10-20 s)."""
    check = Check("hbdss-mip-n4", "c", "s", "quick", (), "hbdss_mip", "run_n4")
    result = run_check(check, out_dir=tmp_path)
    assert result.status == "PASS", result.message
    assert "max = 0" in result.message
    path = result.certificate_paths[0]
    cert = json.loads(Path(path).read_text())
    assert cert["claim"]["upper_bound"] == "0" and cert["claim"]["lower_bound"] == "0"
    assert cert["claim"]["model"] == {"family": "hbdss-conforming-relu", "n": 4}
    assert cli_main(["verify", path]) == 0
    assert "s VERIFIED" in capsys.readouterr().out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    write_fixtures()
    print("wrote", len(VALID) + len(DEFECTS), "fixtures under", HERE)
