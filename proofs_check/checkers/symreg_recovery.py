"""Checker for ``symreg-recovery`` certificates: learned equations have the true structure, coefficients within a tolerance.

STANDARD LIBRARY ONLY.  The certificate is a *measurement record*: a regressor learned the equations
from simulated noisy data, and the coefficients are measured values (floats written as the exact
rationals of their decimal form).  The checker does not re-run the learning; it re-derives from the
exported equations and the stated true system, in exact rational arithmetic:

* exact structure: after canonicalising every term key (factors sorted, equal bases merged by adding
  exponents), each learned equation has exactly the true equation's set of terms;
* the relative coefficient error ``|c_learned - c_true| / |c_true|`` of every term, their maximum,
  which must equal the claimed ``max_relative_error``, and be at most the claimed ``tolerance``.

A term key is a product of factors joined by ``*``; a factor is a base, optionally followed by
``^k`` (a positive integer) or ``^(p/q)`` / ``^(-k)``; a base is a variable, a function of the
variables such as ``sin(x)``, or a parenthesised expression such as ``(x^2 + 1)``.  ``"1"`` is the
constant term.  See ``docs/certificates_symreg-recovery.md``.

Examples
--------
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "symreg-recovery",
...         "claim": {"statement": "measured", "system": "decay", "variables": ["u"],
...                   "true_equations": [{"u": "-1/2"}], "tolerance": "1/50", "noise": "1/100",
...                   "max_relative_error": "1/250"},
...         "data": {"learned_equations": [{"u": "-251/500"}]},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'decay: exact structure (1 equation, 1 term); max relative coefficient error 1/250 <= 1/50 (measured coefficients)'
>>> cert["data"]["learned_equations"][0]["u^2"] = "1/1000"
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: equation 0 (u'): structure differs from the true system: extra terms ['u^2']
"""

from __future__ import annotations

import re
from fractions import Fraction

from ._common import (
    CertificateMalformed, CertificateRejected, check_envelope, field_path, get_list, get_object, get_rational,
    get_str, parse_rational,
)

KIND = "symreg-recovery"
RECORD = "measurement"
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_FUNCTIONS = frozenset({"sin", "cos", "tan", "exp", "log", "tanh", "sqrt", "Abs", "sign"})
_EXPONENT = re.compile(r"\^(?:([1-9][0-9]*)|\((-?[0-9]+(?:/[1-9][0-9]*)?)\))$", re.ASCII)
_BASE_CHARS = re.compile(r"[A-Za-z0-9_ ()+\-*/^.]+", re.ASCII)


def _split_top_level(text: str, separator: str) -> list[str]:
    """Split at ``separator`` characters outside parentheses; unbalanced parentheses are malformed."""
    parts, depth, start = [], 0, 0
    for position, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ValueError("unbalanced parentheses")
        elif char == separator and depth == 0:
            parts.append(text[start:position])
            start = position + 1
    if depth != 0:
        raise ValueError("unbalanced parentheses")
    parts.append(text[start:])
    return parts


def canonical_key(key: str, variables: list[str], path: str) -> tuple:
    """A term key as a sorted tuple of (base, exponent) pairs; ``()`` is the constant term.

    Examples
    --------
    >>> canonical_key("y*x^2", ["x", "y"], "k")
    (('x', Fraction(2, 1)), ('y', Fraction(1, 1)))
    >>> canonical_key("x*x", ["x"], "k") == canonical_key("x^2", ["x"], "k")
    True
    >>> canonical_key("(x^2 + 1)^(-1)", ["x"], "k")
    (('(x^2 + 1)', Fraction(-1, 1)),)
    >>> canonical_key("w*x", ["x"], "k")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: k: unknown name 'w' in term key 'w*x'; allowed: the variables ['x'] and functions ...
    """
    if key == "1":
        return ()
    if not key or not _BASE_CHARS.fullmatch(key):
        raise CertificateMalformed(path, f"term key {key!r} has characters outside [A-Za-z0-9_ ()+-*/^.]")
    for name in _IDENTIFIER.findall(re.sub(r"[0-9]+(?:\.[0-9]+)?", " ", key)):
        if name not in variables and name not in _FUNCTIONS:
            raise CertificateMalformed(
                path, f"unknown name {name!r} in term key {key!r}; allowed: the variables {variables} "
                f"and functions {sorted(_FUNCTIONS)}"
            )
    try:
        factors = _split_top_level(key, "*")
    except ValueError as exc:
        raise CertificateMalformed(path, f"term key {key!r}: {exc}") from None
    powers: dict[str, Fraction] = {}
    for factor in factors:
        factor = factor.strip()
        exponent = Fraction(1)
        match = _EXPONENT.search(factor)
        if match and _split_top_level(factor[: match.start()], "^") == [factor[: match.start()]]:
            exponent = Fraction(match.group(1) or match.group(2))
            factor = factor[: match.start()]
        if not factor or len(_split_top_level(factor, "^")) > 1:
            raise CertificateMalformed(path, f"term key {key!r}: factor {factor!r} is not base or base^exponent")
        if not (_IDENTIFIER.fullmatch(factor) or (factor.startswith("(") and factor.endswith(")"))
                or re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*\(.+\)", factor)):
            raise CertificateMalformed(path, f"term key {key!r}: factor {factor!r} is not a variable, a function call or a parenthesised expression")
        powers[factor] = powers.get(factor, Fraction(0)) + exponent
    return tuple(sorted((base, e) for base, e in powers.items() if e != 0))


def _read_equations(equations: list, variables: list[str], path: str, nonzero: bool) -> list[dict]:
    result = []
    for i, equation in enumerate(equations):
        here = field_path(path, i)
        if not isinstance(equation, dict):
            raise CertificateMalformed(here, "expected an object mapping term keys to rational coefficients")
        terms: dict[tuple, tuple[str, Fraction]] = {}
        for key, value in equation.items():
            key_path = field_path(here, key)
            canonical = canonical_key(key, variables, key_path)
            coefficient = parse_rational(value, key_path)
            if canonical in terms:
                raise CertificateMalformed(key_path, f"term {key!r} is the same term as {terms[canonical][0]!r}")
            if nonzero and coefficient == 0:
                raise CertificateMalformed(key_path, "a true coefficient is 0; leave the term out instead")
            terms[canonical] = (key, coefficient)
        result.append(terms)
    return result


def verify(cert: dict) -> str:
    """Check a ``symreg-recovery`` certificate and return a one-line summary.

    Raises
    ------
    CertificateMalformed
        For missing or ill-typed fields, unparseable term keys, non-rational coefficients.
    CertificateRejected
        When a structure differs, a relative error exceeds the tolerance, or the claimed maximum
        error is not the recomputed one.

    Examples
    --------
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": "symreg-recovery",
    ...         "claim": {"statement": "s"}, "data": {},
    ...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.system: missing required field
    """
    check_envelope(cert)
    claim = get_object(cert, "claim", "")
    data = get_object(cert, "data", "")
    system = get_str(claim, "system", "claim")
    variables_json = get_list(claim, "variables", "claim")
    variables = []
    for i, name in enumerate(variables_json):
        if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name) or name in _FUNCTIONS:
            raise CertificateMalformed(field_path("claim.variables", i), f"expected a variable name, got {name!r}")
        if name in variables:
            raise CertificateMalformed(field_path("claim.variables", i), f"variable {name!r} repeated")
        variables.append(name)
    if not variables:
        raise CertificateMalformed("claim.variables", "needs at least one variable")
    tolerance = get_rational(claim, "tolerance", "claim")
    if tolerance < 0:
        raise CertificateMalformed("claim.tolerance", f"must be >= 0, got {tolerance}")
    get_rational(claim, "noise", "claim")
    claimed_error = get_rational(claim, "max_relative_error", "claim")
    true_json = get_list(claim, "true_equations", "claim")
    learned_json = get_list(data, "learned_equations", "data")
    for name, equations, path in (("true", true_json, "claim.true_equations"), ("learned", learned_json, "data.learned_equations")):
        if len(equations) != len(variables):
            raise CertificateMalformed(path, f"{len(equations)} {name} equations for {len(variables)} variables; give one per variable")
    true = _read_equations(true_json, variables, "claim.true_equations", nonzero=True)
    learned = _read_equations(learned_json, variables, "data.learned_equations", nonzero=False)

    worst = Fraction(0)
    terms = 0
    for i, (want, got) in enumerate(zip(true, learned)):
        missing = sorted(want[k][0] for k in want.keys() - got.keys())
        extra = sorted(got[k][0] for k in got.keys() - want.keys())
        if missing or extra:
            parts = ([f"missing terms {missing}"] if missing else []) + ([f"extra terms {extra}"] if extra else [])
            raise CertificateRejected(
                f"equation {i} ({variables[i]}'): structure differs from the true system: {'; '.join(parts)}"
            )
        for canonical, (key, c_true) in want.items():
            error = abs(got[canonical][1] - c_true) / abs(c_true)
            if error > tolerance:
                raise CertificateRejected(
                    f"equation {i} ({variables[i]}'), term {key!r}: relative coefficient error {error} "
                    f"(= {float(error):.4g}) exceeds the tolerance {tolerance}"
                )
            worst = max(worst, error)
            terms += 1
    if worst != claimed_error:
        raise CertificateRejected(
            f"claim.max_relative_error is {claimed_error}, but the recomputed maximum relative error is {worst}"
        )
    noun = "equation" if len(variables) == 1 else "equations"
    term_noun = "term" if terms == 1 else "terms"
    return (
        f"{system}: exact structure ({len(variables)} {noun}, {terms} {term_noun}); max relative coefficient "
        f"error {worst} <= {tolerance} (measured coefficients)"
    )
