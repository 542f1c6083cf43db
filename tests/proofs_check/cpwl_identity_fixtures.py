"""Writes the cpwl-identity certificate fixtures (valid, invalid, malformed) used by the checker tests.

Run ``python tests/proofs_check/cpwl_identity_fixtures.py`` to regenerate them. Each invalid or
malformed file is a valid certificate with exactly one defect; ``EXPECTATIONS`` says what the
checker must answer (exit code and a phrase of the reason, or the malformed field).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).parent / "certificates"

# file name -> (exit code, phrase that the verdict line must contain)
EXPECTATIONS = {
    "valid/cpwl-identity-max-tree-2.json": (0, "s VERIFIED"),
    "valid/cpwl-identity-max-tree-4.json": (0, "s VERIFIED"),
    "valid/cpwl-identity-abs-sum.json": (0, "s VERIFIED"),
    "invalid/cpwl-identity-wrong-coefficient.json": (1, "leaf"),
    "invalid/cpwl-identity-dropped-term.json": (1, "leaf"),
    "invalid/cpwl-identity-wrong-claim-hidden-layers.json": (1, "claim.lhs_hidden_layers says 2 hidden layers"),
    "invalid/cpwl-identity-wrong-claim-max-pieces.json": (1, "claim.rhs_max_pieces says at most 1"),
    "invalid/cpwl-identity-wrong-claim-rhs.json": (1, "empty cell 0.1"),
    "invalid/cpwl-identity-wrong-multiplier.json": (1, "empty cell"),
    "invalid/cpwl-identity-negative-multiplier.json": (1, "is negative"),
    "invalid/cpwl-identity-dropped-empty-cell.json": (1, "not zero"),
    "invalid/cpwl-identity-extra-empty-cell.json": (1, "not in the tree"),
    "invalid/cpwl-identity-wrong-leaf-count.json": (1, "data.leaves says"),
    "invalid/cpwl-identity-swapped-indices.json": (1, "not zero"),
    "malformed/cpwl-identity-non-rational-string.json": (2, "claim.lhs.layers[0].weights[0][1]"),
    "malformed/cpwl-identity-float-number.json": (2, "claim.rhs.terms[0].coefficient"),
    "malformed/cpwl-identity-missing-lhs.json": (2, "claim.lhs: "),
    "malformed/cpwl-identity-ragged-weights.json": (2, "claim.lhs.layers[0].weights[1]"),
    "malformed/cpwl-identity-bad-cell-key.json": (2, 'data.empty_cells["a.b"]'),
    "malformed/cpwl-identity-bad-multiplier-key.json": (2, 'data.empty_cells["0.1"].x'),
    "malformed/cpwl-identity-unknown-expression-type.json": (2, "claim.rhs.type"),
    "malformed/cpwl-identity-vector-output.json": (2, "claim.lhs.layers"),
}


def valid_certificates() -> dict:
    """The valid certificates, built by the real search (name -> certificate)."""
    from lincomb.proofs_check.identity_certificates import identity_certificate
    from lincomb.theory import CPWL, cpwl_max, max_network
    from lincomb.theory.constructions import max_function

    x, y = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
    return {
        "cpwl-identity-max-tree-2.json": identity_certificate(
            max_network(2), max_function(2), statement="max_network(2) computes max(x1, x2)", claim_extra={"lhs_hidden_layers": 1}
        ),
        "cpwl-identity-max-tree-4.json": identity_certificate(
            max_network(4), max_function(4), statement="max_network(4) computes max(x1..x4)", claim_extra={"lhs_hidden_layers": 2}
        ),
        "cpwl-identity-abs-sum.json": identity_certificate(
            abs(x) + abs(y), cpwl_max(x + y, x - y, -x + y, -x - y), statement="|x| + |y| = max(+-x +- y)", claim_extra={"rhs_max_pieces": 4}
        ),
    }


def defective_certificates(valid: dict) -> dict:
    """Each invalid or malformed fixture: a copy of a valid certificate with one defect."""
    tree2, tree4, abs_sum = (valid[k] for k in ("cpwl-identity-max-tree-2.json", "cpwl-identity-max-tree-4.json", "cpwl-identity-abs-sum.json"))
    out = {}

    def mutate(name, source, change):
        cert = copy.deepcopy(source)
        change(cert)
        out[name] = cert

    def first_empty(cert):
        return next(iter(cert["data"]["empty_cells"].values()))

    mutate("invalid/cpwl-identity-wrong-coefficient.json", tree2, lambda c: c["claim"]["rhs"]["terms"][0].__setitem__("coefficient", "2"))
    mutate("invalid/cpwl-identity-dropped-term.json", abs_sum, lambda c: c["claim"]["lhs"]["terms"].pop(0))
    mutate("invalid/cpwl-identity-wrong-claim-hidden-layers.json", tree2, lambda c: c["claim"].__setitem__("lhs_hidden_layers", 2))
    mutate("invalid/cpwl-identity-wrong-claim-max-pieces.json", abs_sum, lambda c: c["claim"].__setitem__("rhs_max_pieces", 1))
    mutate("invalid/cpwl-identity-wrong-claim-rhs.json", tree2, lambda c: c["claim"]["rhs"]["terms"][0]["pieces"][1]["linear"].__setitem__(1, "2"))

    def wrong_multiplier(cert):
        multipliers = first_empty(cert)
        key = next(iter(multipliers))
        multipliers[key] = "7/3"

    mutate("invalid/cpwl-identity-wrong-multiplier.json", tree4, wrong_multiplier)

    def negative_multiplier(cert):
        multipliers = first_empty(cert)
        key = next(iter(multipliers))
        multipliers[key] = "-" + multipliers[key]

    mutate("invalid/cpwl-identity-negative-multiplier.json", tree4, negative_multiplier)

    def drop_empty(cert):
        cells = cert["data"]["empty_cells"]
        cells.pop(next(iter(cells)))
        cert["data"]["empty_count"] -= 1

    mutate("invalid/cpwl-identity-dropped-empty-cell.json", tree2, drop_empty)
    mutate("invalid/cpwl-identity-extra-empty-cell.json", tree4, lambda c: c["data"]["empty_cells"].__setitem__("7.7", {"0:0": "1"}))
    mutate("invalid/cpwl-identity-wrong-leaf-count.json", tree4, lambda c: c["data"].__setitem__("leaves", c["data"]["leaves"] + 1))

    def swap(cert):
        row = cert["claim"]["lhs"]["layers"][0]["weights"][0]
        row[0], row[1] = row[1], row[0]

    mutate("invalid/cpwl-identity-swapped-indices.json", tree2, swap)
    mutate("malformed/cpwl-identity-non-rational-string.json", tree2, lambda c: c["claim"]["lhs"]["layers"][0]["weights"][0].__setitem__(1, "0.5"))
    mutate("malformed/cpwl-identity-float-number.json", tree2, lambda c: c["claim"]["rhs"]["terms"][0].__setitem__("coefficient", 1.0))
    mutate("malformed/cpwl-identity-missing-lhs.json", tree2, lambda c: c["claim"].pop("lhs"))
    mutate("malformed/cpwl-identity-ragged-weights.json", tree2, lambda c: c["claim"]["lhs"]["layers"][0]["weights"][1].append("1"))
    mutate("malformed/cpwl-identity-bad-cell-key.json", tree2, lambda c: c["data"]["empty_cells"].__setitem__("a.b", {"0:0": "1"}))
    mutate("malformed/cpwl-identity-bad-multiplier-key.json", tree2, lambda c: c["data"]["empty_cells"].__setitem__("0.1", {"x": "1"}))
    mutate("malformed/cpwl-identity-unknown-expression-type.json", tree2, lambda c: c["claim"]["rhs"].__setitem__("type", "polynomial"))

    def vector_output(cert):
        last = cert["claim"]["lhs"]["layers"][-1]
        last["weights"].append(list(last["weights"][0]))
        last["biases"].append("0")

    mutate("malformed/cpwl-identity-vector-output.json", tree2, vector_output)
    return out


def write_all() -> None:
    valid = valid_certificates()
    files = {f"valid/{name}": cert for name, cert in valid.items()}
    files.update(defective_certificates(valid))
    assert set(files) == set(EXPECTATIONS), set(files) ^ set(EXPECTATIONS)
    for name, cert in files.items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cert, indent=1, sort_keys=False) + "\n")


if __name__ == "__main__":
    write_all()
