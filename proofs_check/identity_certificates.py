"""Build ``cpwl-identity`` certificates from lincomb objects (the search side of identity checks).

The search is :func:`lincomb.theory.identity.prove_identity`; the certificate it yields is checked
afterwards by the independent :mod:`lincomb.proofs_check.checkers.cpwl_identity`.

Examples
--------
>>> from lincomb.theory import CPWL
>>> x = CPWL.coordinate(0, 1)
>>> cert = identity_certificate(x.maximum(0), x + (-x).maximum(0), statement="max(x, 0) = x + max(-x, 0)")
>>> cert["kind"], cert["data"]["leaves"]
('cpwl-identity', 2)
"""

from __future__ import annotations

from lincomb.errors import CheckFailed
from lincomb.theory.identity import prove_identity
from lincomb.theory.rationals import rational_str

from .certificate import make_certificate

SOLVER = "lincomb.theory.identity: cell tree with exact simplex (python-flint fmpq)"


def _claim(statement: str, lhs, rhs, dimension: int, extra) -> dict:
    """The claim of an identity certificate: the statement, the dimension and both expressions."""
    return {"statement": statement, "input_dimension": dimension, "lhs": lhs.to_json(), "rhs": rhs.to_json(),
            **(extra or {})}


def _values_at(point, lhs_program, rhs_program) -> str:
    """``at x = (...), lhs = ... and rhs = ...``: where two programs differ, for error messages."""
    return (f"at x = ({', '.join(rational_str(v) for v in point)}), lhs = {rational_str(lhs_program.evaluate(point))} "
            f"and rhs = {rational_str(rhs_program.evaluate(point))}")


def identity_certificate(lhs, rhs, *, statement: str, check: str | None = None, claim_extra=None, progress=None) -> dict:
    """Prove ``lhs = rhs`` on R^n exactly and return the certificate.

    Parameters
    ----------
    lhs, rhs : ReLUNetwork or CPWL
        Objects with ``to_program()`` and ``to_json()``.
    statement : str
        The sentence that is proved (``claim.statement``).
    check : str, optional
        The id of the registered check (recorded in the provenance).
    claim_extra : dict, optional
        Further structured claim fields, e.g. ``{"lhs_hidden_layers": 2}``.
    progress : callable, optional
        Receives progress strings.

    Raises
    ------
    CheckFailed
        When the functions differ; the message gives a rational point and both values.

    Examples
    --------
    >>> from lincomb.theory import CPWL
    >>> x = CPWL.coordinate(0, 1)
    >>> identity_certificate(x.maximum(0), x, statement="max(x, 0) = x")
    Traceback (most recent call last):
    ...
    lincomb.errors.CheckFailed: max(x, 0) = x is false: at x = (-1), lhs = 0 and rhs = -1
    """
    lhs_program, rhs_program = lhs.to_program(), rhs.to_program()

    def report(nodes, leaves, empty):
        if progress is not None:
            progress(f"{statement}: {nodes} cells explored, {leaves} leaves, {empty} empty")

    result = prove_identity(lhs_program, rhs_program, progress=report)
    if not result.equal:
        raise CheckFailed(f"{statement} is false: {_values_at(result.counterexample, lhs_program, rhs_program)}")
    return make_certificate(
        "cpwl-identity",
        _claim(statement, lhs, rhs, lhs_program.dimension, claim_extra),
        result.certificate_data(),
        solver=f"{SOLVER}; {result.lp_calls} LPs",
        seconds=result.seconds,
        check=check,
    )


CHAMBER_SOLVER = "lincomb.theory.chamber_identity: braid chambers, exact rational arithmetic"


def braid_chamber_identity_certificate(lhs, rhs, *, statement: str, check: str | None = None, claim_extra=None,
                                       progress=None) -> dict:
    """Prove ``lhs = rhs`` on R^n chamber by chamber of the braid fan; return a ``braid-chamber-identity`` certificate.

    For networks whose first layer only compares coordinates (the max_n networks of
    :mod:`lincomb.theory.max_representation_network`), where the cell tree of :func:`identity_certificate`
    branches on every neuron; see :mod:`lincomb.theory.chamber_identity`.

    Parameters
    ----------
    lhs, rhs : ReLUNetwork or CPWL
        Objects with ``to_program()`` and ``to_json()``.
    statement : str
        The sentence that is proved.
    check : str, optional
        The id of the registered check.
    claim_extra : dict, optional
        Further structured claim fields.
    progress : callable, optional
        Receives progress strings.

    Raises
    ------
    CheckFailed
        When the functions differ; the message names the chamber and, when found, a point and both values.

    Examples
    --------
    >>> from lincomb.theory.constructions import max_function, max_network
    >>> cert = braid_chamber_identity_certificate(max_network(3), max_function(3), statement="max_3")
    >>> cert["kind"], cert["data"]
    ('braid-chamber-identity', {'chambers': 6, 'max_hinges': 0})
    >>> braid_chamber_identity_certificate(max_function(2), max_network(1).__class__([([[1, 0]], [0])]),
    ...                                    statement="max(x1, x2) = x1")
    Traceback (most recent call last):
    ...
    lincomb.errors.CheckFailed: max(x1, x2) = x1 is false on the chamber x1 <= x2: at x = (-1/3, 1/6), lhs = 1/6 and rhs = -1/3
    """
    from lincomb.theory.chamber_identity import prove_identity_on_braid_chambers

    lhs_program, rhs_program = lhs.to_program(), rhs.to_program()

    def report(done, total):
        if progress is not None:
            progress(f"{statement}: {done} of {total} braid chambers")

    result = prove_identity_on_braid_chambers(lhs_program, rhs_program, progress=report)
    if not result.equal:
        chamber = " <= ".join(f"x{i + 1}" for i in result.differing_chamber)
        where = "" if result.counterexample is None else f": {_values_at(result.counterexample, lhs_program, rhs_program)}"
        raise CheckFailed(f"{statement} is false on the chamber {chamber}{where}")
    claim = _claim(statement, lhs, rhs, lhs_program.dimension, {"fan": "braid", **(claim_extra or {})})
    return make_certificate("braid-chamber-identity", claim, {"chambers": result.chambers, "max_hinges": result.hinges},
                            solver=CHAMBER_SOLVER, seconds=result.seconds, check=check)
