"""Checker of kind ``soft-threshold-zero-target``: zero-content targets under soft-threshold vs softmax.

STANDARD LIBRARY ONLY.  The certificate holds an attention instance in exact rationals: tokens X
(T x d) whose ``claim.target_rows`` are zero, the score matrix W (d x d), the value matrix W_v
(d x e) and the threshold xi >= 0, with the claimed target rows of the sparse codes, the softmax
weights and both outputs.  The checker recomputes, exactly,

* the target scores ``S[t] = X[t] W X^T`` -- all zero, because ``X[t] = 0``;
* the sparse codes ``sign(s) max(|s| - xi, 0)`` of those rows -- exactly 0, so the sparse output
  ``alpha[t] V`` is the zero vector;
* the softmax weights: the scores of a target row are all equal, so softmax is exactly ``1/T`` by
  shift invariance (``exp(s) / (T exp(s))``; no exponential is evaluated), and the softmax output
  is the average ``(1/T) sum_s V[s]`` of the values ``V = X W_v``;

and compares each with the claim.  The statement holds for every W, W_v and xi >= 0 (the score
of a zero query is the zero linear form); the instance shows it on concrete numbers, and
``claim.softmax_output_nonzero`` (checked) records that the two outputs really differ there.

Examples
--------
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "soft-threshold-zero-target",
...         "claim": {"statement": "zero target: sparse 0, softmax uniform", "threshold": "1/10",
...                   "target_rows": [1], "softmax_output_nonzero": True},
...         "data": {"tokens": [["1", "2"], ["0", "0"]], "score_matrix": [["1", "0"], ["0", "1"]],
...                  "value_matrix": [["1"], ["1"]],
...                  "target_sparse_codes": [["0", "0"]], "target_sparse_outputs": [["0"]],
...                  "target_softmax_weights": [["1/2", "1/2"]], "target_softmax_outputs": [["3/2"]]},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'1 zero-content target(s) of 2 tokens: soft-threshold codes and outputs exactly 0 (xi = 1/10); softmax weights exactly 1/2, output the average of the values'
>>> cert["data"]["target_softmax_outputs"] = [["1"]]
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: target row 1: claimed softmax output (1) but the average of the values is (3/2)
"""

from __future__ import annotations

from fractions import Fraction

from ._common import CertificateRejected, get_field, get_indices, get_list, get_matrix
from ._common import get_rational, malformed_unless, open_certificate, reject_unless, vector_str

KIND = "soft-threshold-zero-target"


def verify(cert: dict) -> str:
    """Verify a ``soft-threshold-zero-target`` certificate; return a one-line summary.

    Examples
    --------
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": KIND,
    ...         "claim": {"statement": "s", "threshold": "-1", "target_rows": [0], "softmax_output_nonzero": False},
    ...         "data": {}, "provenance": {"lincomb": "0", "solver": "s", "seconds": 0}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.threshold: the soft-threshold must be >= 0, got -1
    """
    claim, data = open_certificate(cert, KIND)
    xi = get_rational(claim, "threshold", "claim")
    malformed_unless(xi >= 0, "claim.threshold", f"the soft-threshold must be >= 0, got {xi}")
    targets = get_list(claim, "target_rows", "claim")
    nonzero_claimed = get_field(claim, "softmax_output_nonzero", "claim", bool, "a boolean")
    tokens = get_matrix(data, "tokens", "data")
    count, dim = len(tokens), len(tokens[0])
    w = get_matrix(data, "score_matrix", "data", dim, dim)
    wv = get_matrix(data, "value_matrix", "data", None, dim)
    out_dim = len(wv[0])
    malformed_unless(targets, "claim.target_rows", "must name at least one target row")
    get_indices(claim, "target_rows", "claim", count, "row")
    malformed_unless(len(set(targets)) == len(targets), "claim.target_rows", "has repeated rows")
    codes = get_matrix(data, "target_sparse_codes", "data", count, len(targets))
    sparse_out = get_matrix(data, "target_sparse_outputs", "data", out_dim, len(targets))
    weights = get_matrix(data, "target_softmax_weights", "data", count, len(targets))
    softmax_out = get_matrix(data, "target_softmax_outputs", "data", out_dim, len(targets))

    values = [[sum(tokens[s][k] * wv[k][j] for k in range(dim)) for j in range(out_dim)] for s in range(count)]
    average = [Fraction(sum(values[s][j] for s in range(count)), count) for j in range(out_dim)]
    for i, t in enumerate(targets):
        reject_unless(not any(tokens[t]), f"target row {t} of data.tokens is not zero: the statement is about zero-content targets")
        query = [sum(tokens[t][k] * w[k][j] for k in range(dim)) for j in range(dim)]
        scores = [sum(query[j] * tokens[s][j] for j in range(dim)) for s in range(count)]
        recomputed = [(abs(s) - xi) * (1 if s > 0 else -1) if abs(s) > xi else 0 for s in scores]
        if codes[i] != recomputed:  # int and Fraction entries compare by value
            raise CertificateRejected(f"target row {t}: claimed sparse codes {vector_str(codes[i])} but soft-threshold gives {vector_str(recomputed)}")
        output = [sum(recomputed[s] * values[s][j] for s in range(count)) for j in range(out_dim)]
        if sparse_out[i] != output:
            raise CertificateRejected(f"target row {t}: claimed sparse output {vector_str(sparse_out[i])} but it is {vector_str(output)}")
        reject_unless(not any(output), f"target row {t}: the sparse output {vector_str(output)} is not zero")
        reject_unless(len(set(scores)) == 1, f"target row {t}: its scores {vector_str(scores)} are not all equal")
        if any(Fraction(p) != Fraction(1, count) for p in weights[i]):
            raise CertificateRejected(f"target row {t}: claimed softmax weights {vector_str(weights[i])}, but equal scores give 1/{count} each")
        if softmax_out[i] != average:
            raise CertificateRejected(f"target row {t}: claimed softmax output {vector_str(softmax_out[i])} but the average of the values is {vector_str(average)}")
    # the softmax output of every target row is this average
    reject_unless(any(average) or not nonzero_claimed, "claim.softmax_output_nonzero is true, but the average of the values is zero")
    return (f"{len(targets)} zero-content target(s) of {count} tokens: soft-threshold codes and outputs exactly 0 "
            f"(xi = {xi}); softmax weights exactly 1/{count}, output the average of the values")
