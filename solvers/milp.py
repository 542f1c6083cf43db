"""A small MILP layer: an exact model (:class:`LinearMip`), Pyomo export, one ``solve`` call, MPS export.

The model is separate from the back-end (the CVXPY / Pyomo convention): build a
:class:`LinearMip` with exact rational data (or any Pyomo model), then
``solve(model, backend="highs")``.  Other Pyomo back-ends (``"scip"``, ``"gurobi"``, ``"cbc"``,
``"glpk"``) go through the same call when installed; a missing one raises
:class:`lincomb.errors.SolverUnavailable` with an install hint.

A float solve is **evidence, not proof**: :class:`MilpResult` reports what the solver said.
Exact certificates come from :mod:`lincomb.solvers.certified_bnb`.

Examples
--------
>>> mip = LinearMip.build(
...     "toy", variables=["x", "w"], lower=[0, -1], upper=[1, 1], binary=[True, False],
...     objective={"x": 2, "w": 1}, rows=[("cap", {"x": 1, "w": 1}, "3/2")])
>>> result = solve(mip, backend="highs")
>>> result.termination, result.objective, result.incumbent["x"]
('optimal', 2.5, 1.0)
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable, Mapping

from lincomb.errors import SolverUnavailable, UsageError
from lincomb.theory.rationals import to_rational

__all__ = ["BACKENDS", "LinearMip", "MilpResult", "highs_model", "read_mps_optimum", "solve", "solve_highspy", "write_mps"]

#: backend name -> (Pyomo solver name, install hint)
BACKENDS: dict[str, tuple[str, str]] = {
    "highs": ("appsi_highs", "pip install highspy"),
    "scip": ("scip", "install SCIP (conda install -c conda-forge scip) so that `scip` is on PATH"),
    "gurobi": ("gurobi_direct", "pip install gurobipy (and a Gurobi licence)"),
    "cbc": ("cbc", "install CBC (conda install -c conda-forge coincbc) so that `cbc` is on PATH"),
    "glpk": ("glpk", "install GLPK (apt-get install glpk-utils) so that `glpsol` is on PATH"),
}


@dataclass(frozen=True)
class LinearMip:
    """A maximisation MILP with exact rational data: ``max c.x`` s.t. ``A x <= b``, ``l <= x <= u``.

    Attributes
    ----------
    name : str
        A label (used in MPS files).
    variables : tuple of str
        Variable names, in column order.
    lower, upper : tuple of (Fraction or None)
        Bounds; ``None`` is infinite.
    binary : tuple of bool
        Which variables are binary (their bounds must be 0 and 1).
    objective : dict
        Column index -> coefficient (to maximise).
    rows : tuple
        ``(name, {column index: coefficient}, rhs)``, each meaning ``sum <= rhs``.

    Examples
    --------
    >>> mip = LinearMip.build("t", ["x"], [0], [1], [True], {"x": 1}, [("r", {"x": 2}, 1)])
    >>> mip.rows
    (('r', {0: Fraction(2, 1)}, Fraction(1, 1)),)
    """

    name: str
    variables: tuple[str, ...]
    lower: tuple[Fraction | None, ...]
    upper: tuple[Fraction | None, ...]
    binary: tuple[bool, ...]
    objective: dict[int, Fraction]
    rows: tuple[tuple[str, dict[int, Fraction], Fraction], ...]
    index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(
        cls,
        name: str,
        variables: Iterable[str],
        lower: Iterable,
        upper: Iterable,
        binary: Iterable[bool],
        objective: Mapping[str, Any],
        rows: Iterable[tuple[str, Mapping[str, Any], Any]],
    ) -> "LinearMip":
        """Build from names (variables in rows and objective are referred to by name); checks shapes.

        Examples
        --------
        >>> LinearMip.build("t", ["x"], [0], [1], [True], {"y": 1}, [])
        Traceback (most recent call last):
        ...
        lincomb.errors.UsageError: objective: unknown variable 'y'; declare it in variables
        """
        variables = tuple(variables)
        index = {v: i for i, v in enumerate(variables)}
        if len(index) != len(variables):
            raise UsageError("variables: duplicate names; give every variable a distinct name")

        def bound(value, what):
            return None if value is None else to_rational(value, what)

        lower = tuple(bound(v, f"lower[{i}]") for i, v in enumerate(lower))
        upper = tuple(bound(v, f"upper[{i}]") for i, v in enumerate(upper))
        binary = tuple(bool(b) for b in binary)
        if not len(lower) == len(upper) == len(binary) == len(variables):
            raise UsageError("lower, upper and binary must have one entry per variable")
        for i, is_binary in enumerate(binary):
            if is_binary and (lower[i] != 0 or upper[i] != 1):
                raise UsageError(f"binary variable {variables[i]!r} must have bounds 0 and 1")

        def columns(coefficients, what):
            out = {}
            for var, value in coefficients.items():
                if var not in index:
                    raise UsageError(f"{what}: unknown variable {var!r}; declare it in variables")
                value = to_rational(value, f"{what}[{var}]")
                if value:
                    out[index[var]] = value
            return out

        built_rows = []
        seen = set()
        for row_name, coefficients, rhs in rows:
            if row_name in seen:
                raise UsageError(f"row {row_name!r} appears twice; row names must be distinct")
            seen.add(row_name)
            built_rows.append((row_name, columns(coefficients, row_name), to_rational(rhs, row_name)))
        return cls(name, variables, lower, upper, binary, columns(objective, "objective"),
                   tuple(built_rows), index)

    @property
    def row_names(self) -> tuple[str, ...]:
        """The row names, in order.

        Examples
        --------
        >>> LinearMip.build("t", ["x"], [0], [1], [True], {"x": 1}, [("r", {"x": 1}, 1)]).row_names
        ('r',)
        """
        return tuple(row[0] for row in self.rows)

    def objective_value(self, point: Mapping[str, Any]) -> Fraction:
        """The exact objective at a point given by name.

        Examples
        --------
        >>> LinearMip.build("t", ["x"], [0], [1], [True], {"x": 3}, []).objective_value({"x": 1})
        Fraction(3, 1)
        """
        return sum((c * to_rational(point[self.variables[j]]) for j, c in self.objective.items()), Fraction(0))

    def violations(self, point: Mapping[str, Any]) -> list[str]:
        """Every bound, integrality or row violated by a point (exact); empty when feasible.

        Examples
        --------
        >>> mip = LinearMip.build("t", ["x"], [0], [1], [True], {"x": 1}, [("r", {"x": 2}, 1)])
        >>> mip.violations({"x": 1})
        ['row r: 2 > 1']
        """
        values = [to_rational(point[v], v) for v in self.variables]
        problems = []
        for j, v in enumerate(self.variables):
            if self.lower[j] is not None and values[j] < self.lower[j]:
                problems.append(f"{v} = {values[j]} < lower bound {self.lower[j]}")
            if self.upper[j] is not None and values[j] > self.upper[j]:
                problems.append(f"{v} = {values[j]} > upper bound {self.upper[j]}")
            if self.binary[j] and values[j] not in (0, 1):
                problems.append(f"{v} = {values[j]} is not 0 or 1")
        for name, coefficients, rhs in self.rows:
            lhs = sum((c * values[j] for j, c in coefficients.items()), Fraction(0))
            if lhs > rhs:
                problems.append(f"row {name}: {lhs} > {rhs}")
        return problems

    def to_pyomo(self):
        """A Pyomo ``ConcreteModel`` of the same MILP (float data; exact here, since the data is small).

        Variables are ``model.x[name]``, rows ``model.rows[name]``.

        Examples
        --------
        >>> m = LinearMip.build("t", ["x"], [0], [1], [True], {"x": 1}, [("r", {"x": 2}, 1)]).to_pyomo()
        >>> sorted(m.x.keys()), sorted(m.rows.keys())
        (['x'], ['r'])
        """
        import pyomo.environ as pe

        model = pe.ConcreteModel(name=self.name)
        model.x = pe.Var(list(self.variables), dense=True)
        for j, v in enumerate(self.variables):
            var = model.x[v]
            if self.binary[j]:
                var.domain = pe.Binary
            lo, hi = self.lower[j], self.upper[j]
            var.setlb(None if lo is None else float(lo))
            var.setub(None if hi is None else float(hi))
        names = self.variables

        def linear(coefficients):
            return sum(float(c) * model.x[names[j]] for j, c in coefficients.items())

        model.rows = pe.Constraint(
            list(self.row_names),
            rule=lambda m, r: linear(self._row_by_name[r][1]) <= float(self._row_by_name[r][2]),
        )
        model.objective = pe.Objective(expr=linear(self.objective), sense=pe.maximize)
        return model

    @property
    def _row_by_name(self) -> dict:
        cached = self.__dict__.get("_rows_cache")
        if cached is None:
            cached = {row[0]: row for row in self.rows}
            object.__setattr__(self, "_rows_cache", cached)
        return cached


@dataclass
class MilpResult:
    """What a float MILP solve reported (evidence, never proof).

    Attributes
    ----------
    termination : str
        Pyomo's termination condition, e.g. ``"optimal"``, ``"maxTimeLimit"``, ``"infeasible"``.
    objective : float or None
        The incumbent's objective value.
    bound : float or None
        The solver's dual bound (an upper bound when maximising).
    incumbent : dict
        Variable name -> value (float), empty without an incumbent.
    seconds : float
        Wall time of the solve call.
    solver : str
        The back-end name.
    solver_version : str
        Its version, e.g. ``"1.16.0"``.

    Examples
    --------
    >>> r = MilpResult("optimal", 1.0, 1.0, {"x": 1.0}, 0.01, "highs", "1.16.0")
    >>> r.gap
    0.0
    """

    termination: str
    objective: float | None
    bound: float | None
    incumbent: dict[str, float]
    seconds: float
    solver: str
    solver_version: str

    @property
    def gap(self) -> float | None:
        """``|bound - objective|`` (``None`` without both).

        Examples
        --------
        >>> MilpResult("maxTimeLimit", 1.0, 3.0, {}, 1.0, "highs", "1.16.0").gap
        2.0
        """
        if self.objective is None or self.bound is None:
            return None
        return abs(self.bound - self.objective)


def _pyomo_model(model):
    return model.to_pyomo() if isinstance(model, LinearMip) else model


def _solver(backend: str):
    if backend not in BACKENDS:
        raise UsageError(f"unknown MILP backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    pyomo_name, hint = BACKENDS[backend]
    try:
        import pyomo.environ as pe
    except ImportError as exc:  # pragma: no cover - pyomo is a core dependency
        raise SolverUnavailable(f"pyomo is not installed; pip install pyomo ({exc})") from None
    solver = pe.SolverFactory(pyomo_name)
    try:
        available = solver.available(exception_flag=False)
    except Exception:  # noqa: BLE001 - any failure to find the solver means unavailable
        available = False
    if not available:
        raise SolverUnavailable(f"MILP backend {backend!r} (Pyomo solver {pyomo_name!r}) is not available; {hint}")
    return solver


def _version_string(solver) -> str:
    try:
        version = solver.version()
    except Exception:  # noqa: BLE001 - a version is informative only
        return "unknown"
    if isinstance(version, tuple):
        return ".".join(str(part) for part in version)
    return str(version)


def solve(model, backend: str = "highs", time_limit: float | None = None, mip_gap: float | None = None,
          options: Mapping[str, Any] | None = None, tee: bool = False) -> MilpResult:
    """Solve a MILP (a :class:`LinearMip` or a Pyomo model) with a Pyomo back-end, in floating point.

    Parameters
    ----------
    model : LinearMip or pyomo ConcreteModel
    backend : str
        One of :data:`BACKENDS`.
    time_limit : float, optional
        Seconds.
    mip_gap : float, optional
        Relative gap at which to stop.
    options : dict, optional
        Extra solver options, passed through.
    tee : bool
        Show the solver log.

    Returns
    -------
    MilpResult

    Raises
    ------
    lincomb.errors.SolverUnavailable
        When the back-end is not installed (the message says how to install it).

    Examples
    --------
    >>> mip = LinearMip.build("t", ["x"], [0], [1], [True], {"x": 1}, [("r", {"x": 1}, 1)])
    >>> solve(mip).objective
    1.0
    >>> solve(mip, backend="nosuch")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: unknown MILP backend 'nosuch'; choose one of highs, scip, gurobi, cbc, glpk
    """
    import pyomo.environ as pe

    solver = _solver(backend)
    pyomo_model = _pyomo_model(model)
    kwargs: dict[str, Any] = {"tee": tee, "load_solutions": False}
    extra = dict(options or {})
    # Pyomo's legacy interface rebuilds the solver config from these keywords on every call.
    if time_limit is not None:
        kwargs["timelimit"] = float(time_limit)
    if mip_gap is not None:
        extra["mip_rel_gap" if backend == "highs" else "mipgap"] = float(mip_gap)
    if extra:
        kwargs["options"] = extra
    start = time.perf_counter()
    results = solver.solve(pyomo_model, **kwargs)
    seconds = time.perf_counter() - start
    termination = str(results.solver.termination_condition)
    incumbent: dict[str, float] = {}
    objective = None
    if len(results.solution) > 0 or termination in ("optimal", "maxTimeLimit", "feasible"):
        try:
            pyomo_model.solutions.load_from(results)
            objective = float(pe.value(next(pyomo_model.component_data_objects(pe.Objective, active=True))))
            incumbent = {
                (str(v.index()) if isinstance(model, LinearMip) else v.name): float(v.value)
                for v in pyomo_model.component_data_objects(pe.Var)
                if v.value is not None
            }
        except Exception:  # noqa: BLE001 - no solution to load
            objective, incumbent = None, {}
    maximise = next(pyomo_model.component_data_objects(pe.Objective, active=True)).sense == pe.maximize
    bound = results.problem.upper_bound if maximise else results.problem.lower_bound
    try:
        bound = float(bound)
        if bound != bound or bound in (float("inf"), float("-inf")):
            bound = None
    except (TypeError, ValueError):
        bound = None
    return MilpResult(termination, objective, bound, incumbent, seconds, backend, _version_string(solver))


def write_mps(model, path: str | os.PathLike) -> str:
    """Write a MILP (a :class:`LinearMip` or a Pyomo model) as a free-format MPS file.

    Names are kept (Pyomo's symbolic labels), so rows and columns are recognisable.

    Examples
    --------
    >>> import os, tempfile
    >>> mip = LinearMip.build("t", ["x"], [0], [1], [True], {"x": 1}, [("r", {"x": 2}, 1)])
    >>> path = write_mps(mip, os.path.join(tempfile.mkdtemp(), "t.mps"))
    >>> open(path).read().count("ENDATA")
    1
    """
    path = os.fspath(path)
    _pyomo_model(model).write(path, format="mps", io_options={"symbolic_solver_labels": True})
    return path


def read_mps_optimum(path: str | os.PathLike, time_limit: float | None = None) -> tuple[str, float | None, float]:
    """Read an MPS file with HiGHS directly and solve it: (model status, objective, seconds).

    The round-trip test of :func:`write_mps`, and the "plain HiGHS" anchor of the benchmark.

    Examples
    --------
    >>> import os, tempfile
    >>> mip = LinearMip.build("t", ["x"], [0], [1], [True], {"x": 1}, [("r", {"x": 2}, 1)])
    >>> status, value, _ = read_mps_optimum(write_mps(mip, os.path.join(tempfile.mkdtemp(), "t.mps")))
    >>> status, value
    ('Optimal', 0.0)
    """
    try:
        import highspy
    except ImportError:  # pragma: no cover - highspy is a core dependency
        raise SolverUnavailable("HiGHS is not installed; pip install highspy") from None
    highs = quiet_highs()
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    status = highs.readModel(os.fspath(path))
    if status == highspy.HighsStatus.kError:
        raise UsageError(f"HiGHS could not read {os.fspath(path)!r} as an MPS file")
    start = time.perf_counter()
    highs.run()
    seconds = time.perf_counter() - start
    model_status = highs.modelStatusToString(highs.getModelStatus())
    info = highs.getInfo()
    value = info.objective_function_value if info.primal_solution_status == 2 else None
    return model_status, value, seconds


def quiet_highs():
    """A ``highspy.Highs`` object with its output switched off.

    HiGHS writes a copyright banner to the process's standard output the first time a ``Highs`` object is
    made, from C++, past Python's ``sys.stdout``. Standard output carries ``lincomb check --json``, so the
    construction runs with file descriptor 1 pointed at standard error.

    Examples
    --------
    >>> quiet_highs().getOptionValue("output_flag")[1]
    False
    """
    try:
        import highspy
    except ImportError:  # pragma: no cover - highspy is a core dependency
        raise SolverUnavailable("HiGHS is not installed; pip install highspy") from None
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    return highs


def highs_model(mip: LinearMip, integer: bool = True):
    """A ``highspy.Highs`` object holding the MILP (or, with ``integer=False``, its LP relaxation).

    Built directly, without Pyomo: the fast path for repeated solves.

    Examples
    --------
    >>> mip = LinearMip.build("t", ["x"], [0], [1], [True], {"x": 1}, [("r", {"x": 2}, 1)])
    >>> h = highs_model(mip)
    >>> _ = h.run(); h.getInfo().objective_function_value
    0.0
    """
    try:
        import highspy
    except ImportError:  # pragma: no cover - highspy is a core dependency
        raise SolverUnavailable("HiGHS is not installed; pip install highspy") from None
    import numpy as np

    inf = highspy.kHighsInf
    highs = quiet_highs()
    n = len(mip.variables)
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(mip.rows)
    lp.col_cost_ = np.array([float(mip.objective.get(j, 0)) for j in range(n)])
    lp.col_lower_ = np.array([-inf if v is None else float(v) for v in mip.lower])
    lp.col_upper_ = np.array([inf if v is None else float(v) for v in mip.upper])
    lp.row_lower_ = np.array([-inf] * len(mip.rows))
    lp.row_upper_ = np.array([float(row[2]) for row in mip.rows])
    starts, index, value = [], [], []
    for _, coefficients, _ in mip.rows:
        starts.append(len(index))
        for j in sorted(coefficients):
            index.append(j)
            value.append(float(coefficients[j]))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = np.array(starts + [len(index)], dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value)
    lp.sense_ = highspy.ObjSense.kMaximize
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous
                           for b in mip.binary]
    highs.passModel(lp)
    return highs


def solve_highspy(mip: LinearMip, time_limit: float | None = None) -> MilpResult:
    """Solve a :class:`LinearMip` with highspy directly (no Pyomo model build), in floating point.

    Examples
    --------
    >>> mip = LinearMip.build("t", ["x"], [0], [1], [True], {"x": 1}, [("r", {"x": 1}, 1)])
    >>> r = solve_highspy(mip)
    >>> r.termination, r.objective, r.incumbent
    ('Optimal', 1.0, {'x': 1.0})
    """
    highs = highs_model(mip)
    if time_limit is not None:
        highs.setOptionValue("time_limit", float(time_limit))
    start = time.perf_counter()
    highs.run()
    seconds = time.perf_counter() - start
    info = highs.getInfo()
    has_point = info.primal_solution_status == 2
    values = list(highs.getSolution().col_value) if has_point else []
    version = f"{highs.versionMajor()}.{highs.versionMinor()}.{highs.versionPatch()}"
    return MilpResult(
        highs.modelStatusToString(highs.getModelStatus()),
        info.objective_function_value if has_point else None,
        info.mip_dual_bound,
        dict(zip(mip.variables, values)),
        seconds,
        "highspy",
        version,
    )
