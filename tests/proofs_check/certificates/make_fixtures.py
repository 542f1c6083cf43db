"""Write the fixture certificates of every kind: one valid, one invalid and one malformed each.

Run from the repository root (needs the search side, and torch for the measurement kinds)::

    python tests/proofs_check/certificates/make_fixtures.py            # every kind
    python tests/proofs_check/certificates/make_fixtures.py KIND ...   # only these kinds

For each certificate kind the smallest certificate of a small run of its real builder becomes
``valid/<kind>.json``; a copy with one proof value changed (the first change, in a fixed order of the
leaves, that its checker refuses as a well-formed certificate that does not prove its claim) becomes
``invalid/<kind>-changed-value.json``; a copy with one exact rational replaced by a float (the first one
that its checker refuses as malformed) becomes ``malformed/<kind>-float-rational.json``.
``expected.json`` records, for every fixture file of the three folders (the hand-made ones too), its
kind, exit code, verdict line and what was changed; ``tests/proofs_check/test_fixtures.py`` checks them.
"""

from __future__ import annotations

import copy
import json
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDER_EXIT = {"valid": 0, "invalid": 1, "malformed": 2}


def builders() -> dict:
    """kind -> a function returning a list of certificates (small runs of the registered builders)."""
    from lincomb.proofs_check import (
        activation_checks,
        attention_checks,
        hbdss_mip,
        hhl_volume,
        ksm_checks,
        max_tree,
        max_two_hidden,
        region_checks,
        tada_checks,
    )

    def symreg():
        from lincomb.proofs_check.symreg_checks import recovery_certificate

        return [recovery_certificate("symreg-recovers-lotka-volterra", epochs=200, degree=2, functions=())]

    return {
        "braid-chamber-identity": max_two_hidden.run_network_n5,
        "convergence-measurement": lambda: tada_checks.run_gaussian_convergence(orders=(1,)),
        "cpwl-identity": lambda: max_tree.run(dimensions=(2,)),
        "fixed-activation-separation": activation_checks.run_la_strictly_contains_fixed,
        "gradient-jump-separation": activation_checks.run_moa_strictly_contains_la,
        "ksm-rank1-bound": lambda: ksm_checks.run(seeds=(0,), points=3, dimension=2),
        "lattice-face-volumes": hhl_volume.run,
        "lifting-measurement": attention_checks.run_learns_rule,
        "max-representation": max_two_hidden.run_n5,
        "max-representation-infeasible": lambda: max_two_hidden.run_k_lower_bound(cases=((5, 1),)),
        "min-width": activation_checks.run_min_width_table,
        "mip-optimum": hbdss_mip.run_n2,
        "region-count": lambda: region_checks.run(cases=((4, 1),)),
        "soft-threshold-zero-target": attention_checks.run_zero_target,
        "symreg-recovery": symreg,
        "symmetric-network-identity": lambda: [max_two_hidden.symmetric_network_certificate_for(4)],
        "tada-closed-forms": lambda: tada_checks.run_closed_forms(orders=(1,)),
        "tada-flow-matching": tada_checks.run_n1_flow_matching,
        "tada-point-mass": lambda: tada_checks.run_point_mass(Ns=(1,), orders=(1,), nfes=(4,)),
    }


def _leaves(value, path=()):
    """(path, value) of every leaf, in document order."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaves(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaves(child, (*path, index))
    else:
        yield path, value


def _set(cert, path, value):
    target = cert
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def _as_rational(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str):
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            return None
    return None


def _text(path) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _candidates(cert):
    for section in ("data", "claim"):
        for path, value in _leaves(cert[section], (section,)):
            if path[-1] == "statement" or _as_rational(value) is None:
                continue
            yield path, value


def invalid_variant(cert):
    """The first one-value change that the checker refuses as NOT VERIFIED (exit 1), not as a crash."""
    from lincomb.proofs_check.checkers import verify_certificate

    for path, value in _candidates(cert):
        changed = _as_rational(value) + 1
        new = int(changed) if isinstance(value, int) else (str(changed.numerator) if changed.denominator == 1
                                                           else f"{changed.numerator}/{changed.denominator}")
        variant = copy.deepcopy(cert)
        _set(variant, path, new)
        verdict = verify_certificate(variant)
        if verdict.exit_code == 1 and not verdict.reason.startswith("checker crashed"):
            return variant, f"{_text(path)} changed from {json.dumps(value)} to {json.dumps(new)}"
    raise SystemExit(f"no one-value change of a {cert['kind']} certificate is refused")


def malformed_variant(cert):
    """The first exact rational replaced by a float that the checker refuses as malformed (exit 2)."""
    from lincomb.proofs_check.checkers import verify_certificate

    for path, value in _candidates(cert):
        variant = copy.deepcopy(cert)
        _set(variant, path, float(_as_rational(value)) + 0.5)
        if verify_certificate(variant).exit_code == 2:
            return variant, f"{_text(path)} is the float {float(_as_rational(value)) + 0.5} instead of {json.dumps(value)}"
    raise SystemExit(f"no float in a {cert['kind']} certificate is refused as malformed")


def _write(cert, path: Path) -> None:
    from lincomb.proofs_check.certificate import write_certificate

    write_certificate(cert, path)


def write_expected() -> None:
    """Record the verdict of every fixture file in expected.json (keeping the notes already there)."""
    from lincomb.proofs_check.checkers import verify_file

    index_path = HERE / "expected.json"
    old = json.loads(index_path.read_text()) if index_path.is_file() else {}
    index = {}
    for folder, code in FOLDER_EXIT.items():
        for path in sorted((HERE / folder).glob("*.json")):
            name = f"{folder}/{path.name}"
            verdict = verify_file(path)
            if verdict.exit_code != code:
                raise SystemExit(f"{name}: exit {verdict.exit_code}, expected {code}: {verdict.line()}")
            kind = verdict.kind
            if kind is None:
                try:
                    kind = json.loads(path.read_text()).get("kind")
                except (ValueError, AttributeError):
                    kind = None
            # Some verdicts name the file: record it relative to this folder, so a clone elsewhere compares equal.
            line = verdict.line().replace(str(path), name)
            index[name] = {"kind": kind, "exit": code, "line": line,
                           "change": old.get(name, {}).get("change", "")}
    index_path.write_text(json.dumps(index, indent=1) + "\n")


def main(kinds: list[str]) -> None:
    table = builders()
    for kind in kinds or sorted(table):
        certificates = [c for c in table[kind]() if c["kind"] == kind]
        valid = min(certificates, key=lambda c: len(json.dumps(c)))
        invalid, invalid_change = invalid_variant(valid)
        malformed, malformed_change = malformed_variant(valid)
        _write(valid, HERE / "valid" / f"{kind}.json")
        _write(invalid, HERE / "invalid" / f"{kind}-changed-value.json")
        _write(malformed, HERE / "malformed" / f"{kind}-float-rational.json")
        notes_path = HERE / "expected.json"
        notes = json.loads(notes_path.read_text()) if notes_path.is_file() else {}
        notes[f"valid/{kind}.json"] = {"change": "as built"}
        notes[f"invalid/{kind}-changed-value.json"] = {"change": invalid_change}
        notes[f"malformed/{kind}-float-rational.json"] = {"change": malformed_change}
        notes_path.write_text(json.dumps(notes, indent=1) + "\n")
        print(f"{kind}: {invalid_change}; {malformed_change}", file=sys.stderr)
    write_expected()


if __name__ == "__main__":
    main(sys.argv[1:])
