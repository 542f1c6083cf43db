"""Checking time-series data before fitting: clear errors that name the row or the column.

The regressors of :mod:`lincomb.learn.symreg` and :mod:`lincomb.learn.sindy` call
:func:`validate_time_series` on what they are given; ``lincomb symreg fit data.csv`` reads its file
with :func:`read_time_series_csv`.  Rows and columns are counted from 0 in arrays; in CSV files rows
are the file's line numbers (the header is line 1).

Examples
--------
>>> t, X = validate_time_series([0, 1, 2, 3, 4, 5], [[1], [2], [3], [4], [5], [6]], min_samples=5)
>>> X.shape
(6, 1)
>>> validate_time_series([0, 1, 1, 2, 3, 4], [[1]] * 6, min_samples=5)
Traceback (most recent call last):
...
lincomb.errors.UsageError: t is not strictly increasing at row 2 (t[1] = 1.0, t[2] = 1.0); sort the samples by time and drop duplicates
"""

from __future__ import annotations

import csv
import math
import os
from typing import Sequence

import numpy as np

from lincomb.errors import ShapeError, UsageError

__all__ = ["MIN_SAMPLES", "read_time_series_csv", "validate_time_series"]

#: Fewest samples per trajectory: derivative estimation needs a window of points on each side.
MIN_SAMPLES = 20


def validate_time_series(t, X, min_samples: int = MIN_SAMPLES, names: Sequence[str] | None = None,
                         row_offset: int = 0, row_word: str = "row") -> tuple[np.ndarray, np.ndarray]:
    """Check one trajectory and return it as float arrays ``t`` (n,) and ``X`` (n, d).

    Parameters
    ----------
    t : array_like
        Sample times, strictly increasing, finite.
    X : array_like
        States, one row per time (a 1-d array is one variable).
    min_samples : int
        Fewest rows accepted.
    names : sequence of str, optional
        Column names for the messages (default ``x1, x2, ...``).
    row_offset : int
        Added to row numbers in messages (e.g. 2 for CSV line numbers after a header).
    row_word : str
        How rows are called in messages (``"row"`` or ``"line"``).

    Raises
    ------
    lincomb.errors.ShapeError
        When ``t`` and ``X`` have different numbers of rows, or the shapes are wrong.
    lincomb.errors.UsageError
        For NaN or infinite values (naming row and column), non-increasing ``t`` (naming the
        row), or fewer than ``min_samples`` rows.

    Examples
    --------
    >>> validate_time_series(range(30), np.c_[np.arange(30.0), [np.nan] + [0.0] * 29], names=["x", "y"])
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: X has a non-finite value (nan) at row 0, column 'y'; remove or interpolate that sample
    """
    t = np.asarray(t, dtype=float)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if t.ndim != 1:
        raise ShapeError(f"t must be a 1-d array of times, got shape {t.shape}")
    if X.ndim != 2:
        raise ShapeError(f"X must be a 2-d array (samples x variables), got shape {X.shape}")
    if X.shape[0] != t.shape[0]:
        raise ShapeError(f"t has {t.shape[0]} samples but X has {X.shape[0]} rows; give one state per time")
    columns = list(names) if names is not None else [f"x{i + 1}" for i in range(X.shape[1])]
    if len(columns) != X.shape[1]:
        raise ShapeError(f"{len(columns)} column names for {X.shape[1]} columns of X")
    bad_t = np.flatnonzero(~np.isfinite(t))
    if bad_t.size:
        row = int(bad_t[0])
        raise UsageError(f"t has a non-finite value ({t[row]}) at {row_word} {row + row_offset}; remove that sample")
    bad = np.argwhere(~np.isfinite(X))
    if bad.size:
        row, column = (int(v) for v in bad[0])
        raise UsageError(
            f"X has a non-finite value ({X[row, column]}) at {row_word} {row + row_offset}, column "
            f"{columns[column]!r}; remove or interpolate that sample"
        )
    steps = np.diff(t)
    bad_steps = np.flatnonzero(steps <= 0)
    if bad_steps.size:
        row = int(bad_steps[0]) + 1
        raise UsageError(
            f"t is not strictly increasing at {row_word} {row + row_offset} (t[{row - 1}] = {t[row - 1]}, "
            f"t[{row}] = {t[row]}); sort the samples by time and drop duplicates"
        )
    if t.shape[0] < min_samples:
        raise UsageError(
            f"only {t.shape[0]} samples; at least {min_samples} are needed to estimate derivatives"
        )
    return t, X


def read_time_series_csv(path: str | os.PathLike, min_samples: int = MIN_SAMPLES) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Read a CSV file with a header ``t, x1, ..., xn`` and validate it.

    The first column must be called ``t``; the other column names become the variable names.
    Messages name the file's line numbers (the header is line 1).

    Returns
    -------
    (t, X, names)

    Raises
    ------
    lincomb.errors.UsageError
        For a missing file, a header without ``t`` first, a row with the wrong number of columns
        or a cell that is not a number (naming line and column), and everything
        :func:`validate_time_series` rejects.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "bad.csv")
    ...     with open(path, "w") as handle:
    ...         _ = handle.write("t,x\\n0,1\\n1,abc\\n")
    ...     read_time_series_csv(path)
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: ...bad.csv line 3, column 'x': 'abc' is not a number
    """
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.reader(handle))
    except OSError as exc:
        raise UsageError(f"cannot read {os.fspath(path)}: {exc.strerror}") from None
    rows = [row for row in rows if row and any(cell.strip() for cell in row)]
    if not rows:
        raise UsageError(f"{os.fspath(path)} is empty; expected a header t,x1,...,xn and one row per sample")
    header = [cell.strip() for cell in rows[0]]
    if len(header) < 2 or header[0] != "t":
        raise UsageError(
            f"{os.fspath(path)} line 1: the header must be 't' followed by one column per variable, got {header}"
        )
    if len(set(header)) != len(header):
        raise UsageError(f"{os.fspath(path)} line 1: repeated column names in {header}")
    values = []
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise UsageError(
                f"{os.fspath(path)} line {number}: {len(row)} columns, but the header has {len(header)} ({', '.join(header)})"
            )
        parsed = []
        for name, cell in zip(header, row):
            try:
                parsed.append(float(cell))
            except ValueError:
                raise UsageError(f"{os.fspath(path)} line {number}, column {name!r}: {cell.strip()!r} is not a number") from None
        values.append(parsed)
    data = np.array(values, dtype=float).reshape(len(values), len(header))
    t, X = validate_time_series(data[:, 0], data[:, 1:], min_samples=min_samples, names=header[1:],
                                row_offset=2, row_word="line")
    if not math.isfinite(float(t[-1] - t[0])):
        raise UsageError(f"{os.fspath(path)}: time span is not finite")
    return t, X, header[1:]
