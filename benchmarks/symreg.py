"""Benchmark: symbolic regression of ODEs with defaults on a zoo of systems lincomb was never tuned on.

The systems are the 76 published models of ``benchmarks/symreg_systems.py`` (1 to 4 states, 33 not
polynomial; each cited there).  Per system: ONE trajectory from the system's training initial
condition (400 samples, 512 for 3-state systems), multiplicative noise ``x (1 + g e)`` with
``e ~ N(0, 1)`` and ``g`` in 0 / 0.01 / 0.05, several noise seeds.  Methods, all with fixed settings
and no per-system option anywhere:

* ``lincomb``: ``default_regressor(seed=seed)`` of :mod:`lincomb.learn.symreg` (the class's
  defaults, the same as ``lincomb symreg fit``); ``SymbolicODERegressor(seed=seed)`` on versions
  without ``default_regressor``; the column was called ``lincomb-network`` before, but the
  default does not train the network (``network=False``), so the name said more than the method did;
* ``pysindy-poly2`` / ``pysindy-poly3``: PySINDy 2.x, polynomial library of degree 2 / 3, STLSQ
  (ridge ``alpha`` 0.05) with the threshold chosen by hold-out (:func:`fit_pysindy`: 3 of 10
  blocks of the trajectory held out, derivative R^2, the best threshold refitted on all of it);
  smoothed finite differences;
* ``pysindy-poly-fourier``: the same with a degree-3 polynomial + Fourier (sin, cos of each state)
  library.

Metrics per run: exact structure (the same term keys in every equation,
:func:`lincomb.theory.expression_compare.compare_equations`), term precision and recall, the largest
relative coefficient error (capped at 10), R^2 of the integrated model against the clean trajectory
on the training span (from the true training initial state) and from the second (held-out) initial
condition over the same span (:func:`lincomb.learn.symreg_validation.integrated_r2`: a model that
diverges or stalls scores -inf), fit time.  The summary splits every number by class (number of
states x polynomial / non-polynomial) and noise.

Every finished case is written at once to ``results/NAME.json`` (``runs``); a rerun with the same
NAME skips the cases already there, so an interrupted run resumes.  At the end (and with
``--report``) the summary table, ``results/NAME.png`` and the markdown tables are written.

    python benchmarks/symreg.py                                  # the full grid (hours on a shared CPU)
    python benchmarks/symreg.py --methods pysindy-poly2 --seeds 1 --systems logistic,chen
    python benchmarks/symreg.py --report                         # tables and PNG from results/symreg.json

Timings: wall-clock ``seconds`` and the fit's process CPU time ``cpu_seconds`` (BLAS and torch
pinned to one thread); on a shared, loaded machine the CPU time is the steadier of the two.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import signal
import statistics
import sys
import time
from pathlib import Path

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402
import sympy  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
if "symreg_systems" not in sys.modules:
    # The zoo beside this file, loaded by path rather than by putting benchmarks/ on sys.path, where a benchmark
    # named like an installed package would shadow it (benchmarks/distributed.py once shadowed Dask's `distributed`).
    _zoo_spec = importlib.util.spec_from_file_location("symreg_systems", HERE / "symreg_systems.py")
    sys.modules["symreg_systems"] = importlib.util.module_from_spec(_zoo_spec)
    _zoo_spec.loader.exec_module(sys.modules["symreg_systems"])
METHODS = ("lincomb", "pysindy-poly2", "pysindy-poly3", "pysindy-poly-fourier")
#: Methods run only when named: ``lincomb-network`` is the defaults with the trained network on
#: (``network=True``: its pruning path adds starting sets to the search), to measure what it adds.
EXTRA_METHODS = ("lincomb-network",)
NOISES = (0.0, 0.01, 0.05)
#: Threshold grid of the PySINDy hold-out choice.
THRESHOLDS = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
#: Wall-clock cap of one fit (a fit past it counts as failed), and CPU-time cap of each integration of a
#: learned model (:func:`~lincomb.learn.symreg_validation.integrated_r2`: CPU time, so that the verdict does
#: not depend on the machine's load).
FIT_SECONDS = 300.0
INTEGRATION_SECONDS = 10.0


def multiplicative_noise(X: np.ndarray, level: float, seed: int) -> np.ndarray:
    """``X * (1 + level * e)`` with ``e`` standard normal (seeded)."""
    rng = np.random.default_rng(seed)
    return X * (1.0 + level * rng.standard_normal(X.shape))


def noisy_data(name: str, X: np.ndarray, noise: float, seed: int) -> np.ndarray:
    """The data of one run: ``X`` with multiplicative noise seeded by the system's name and the noise seed.

    The one seed rule of every symreg benchmark, so that a run can be reproduced from (system, noise, seed).
    """
    return multiplicative_noise(X, noise, seed=10_000 * seed + sum(map(ord, name))) if noise else X.copy()


def get_benchmark_system(name: str):
    """A zoo system by name, or one of lincomb's reference systems."""
    from symreg_systems import ZOO

    if name in ZOO:
        return ZOO[name]
    from lincomb.learn.systems import get_system

    return get_system(name)


# ----------------------------------------------------------------------------- methods
def _pysindy_model(method: str, threshold: float):
    import pysindy as ps

    if method == "pysindy-poly2":
        library = ps.PolynomialLibrary(degree=2)
    elif method == "pysindy-poly3":
        library = ps.PolynomialLibrary(degree=3)
    else:
        library = ps.PolynomialLibrary(degree=3) + ps.FourierLibrary(n_frequencies=1)
    return ps.SINDy(optimizer=ps.STLSQ(threshold=threshold, alpha=0.05), feature_library=library,
                    differentiation_method=ps.SmoothedFiniteDifference())


def _pysindy_equations(model, names) -> list[sympy.Expr]:
    # PySINDy prints feature names as strings ("x y^2", "sin(1 x)"); parse them into sympy.
    symbols = {n: sympy.Symbol(n) for n in names}
    features = [sympy.sympify(f.replace("^", "**").replace(" ", "*"), locals=symbols)
                for f in model.get_feature_names()]
    return [sympy.Add(*[sympy.Float(c) * f for c, f in zip(row, features) if c != 0]) for row in model.coefficients()]


def _blocks(t, X, indices):
    return [t[i] for i in indices], [X[i] for i in indices]


def fit_pysindy(method: str, t, X, names):
    """PySINDy with the STLSQ threshold chosen by hold-out; returns (equations, threshold).

    The trajectory is cut into 10 contiguous blocks; blocks 2, 5 and 8 are held out.  For each
    threshold, the model is fitted on the other 7 blocks (as separate trajectories) and scored by
    PySINDy's derivative R^2 on the held-out ones (derivatives by smoothed finite differences, once,
    on the whole trajectory); the largest threshold scoring within 0.001 of the best (the sparsest
    near-best model) is refitted on the whole trajectory.  (Holding out the last 20 % instead scored
    thresholds on the flat end of settling trajectories, where the derivative is noise.)
    """
    import warnings

    import pysindy as ps

    pieces = np.array_split(np.arange(len(t)), 10)
    held = [pieces[i] for i in (2, 5, 8)]
    kept = [pieces[i] for i in range(10) if i not in (2, 5, 8)]
    # derivatives once, on the whole trajectory (the same smoothed finite differences the model uses)
    dX = ps.SmoothedFiniteDifference()(X, t)
    t_fit, X_fit = _blocks(t, X, kept)
    t_held, X_held = _blocks(t, X, held)
    dX_fit = [dX[i] for i in kept]
    dX_held = [dX[i] for i in held]
    scores = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for threshold in THRESHOLDS:
            model = _pysindy_model(method, threshold)
            try:
                model.fit(X_fit, t=t_fit, x_dot=dX_fit, feature_names=list(names))
                score = float(model.score(X_held, t=t_held, x_dot=dX_held))
            except Exception:  # a threshold that removes every term, or a singular fit
                continue
            if math.isfinite(score):
                scores[threshold] = score
        top = max(scores.values(), default=-math.inf)
        # the largest threshold (sparsest model) scoring within 0.001 of the best held-out R^2
        chosen = max((th for th, sc in scores.items() if sc >= top - 1e-3), default=0.0)
        best = (top, chosen)
        model = _pysindy_model(method, best[1])
        model.fit(X, t=t, x_dot=dX, feature_names=list(names))
    return _pysindy_equations(model, names), best[1]


def fit_network(t, X, names, seed: int, network: bool = False):
    """lincomb's method with its defaults (only the seed set; ``network`` True also trains the network)."""
    import lincomb.learn.symreg as symreg

    if hasattr(symreg, "default_regressor"):
        model = symreg.default_regressor(seed=seed, **({"network": True} if network else {}))
    else:
        model = symreg.SymbolicODERegressor(seed=seed)
    if "progress" in getattr(model, "__dict__", {}):
        model.progress = False
    model.fit(t, X, names=list(names))
    return model.equations()


def deterministic(method: str) -> bool:
    """Whether the method's answer on noise-free data does not depend on the seed.

    PySINDy's STLSQ is deterministic; lincomb's default is when it does not train the network
    (``network`` False: the seed only seeds the network's initial weights).
    """
    if method == "lincomb-network":
        return False
    if method != "lincomb":
        return True
    import lincomb.learn.symreg as symreg

    if not hasattr(symreg, "default_regressor"):
        return False
    return getattr(symreg.default_regressor(), "network", True) is False


#: Seconds for comparing one learned system with the truth (sympy), see :func:`evaluate`.
COMPARE_SECONDS = 60.0


class _FitTimeout(Exception):
    pass


def _alarm(*_):
    raise _FitTimeout


# ----------------------------------------------------------------------------- one case
def _compare_worker(equations, system, queue):
    from lincomb.theory.expression_compare import compare_equations

    c = compare_equations(equations, system.equations(), system.symbols)
    queue.put((bool(c.structure_equal), float(c.precision), float(c.recall), float(c.max_relative_error), int(c.size)))


def _compare_with_timeout(equations, system):
    """``(structure, precision, recall, max_relative_error, size)``, or None after COMPARE_SECONDS."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_compare_worker, args=(equations, system, queue))
    process.start()
    try:
        return queue.get(timeout=COMPARE_SECONDS)
    except Exception:  # queue.Empty: still comparing
        return None
    finally:
        if process.is_alive():
            process.kill()
        process.join()


def evaluate(system, equations, t, X_train, X_test) -> dict:
    """All metrics of learned equations against the true system."""
    from lincomb.learn.symreg_validation import integrated_r2

    # sympy's cancel() in the SRBench equivalence test can run for many minutes inside python-flint (C,
    # not interruptible by an alarm) on a long rational model (a 9-term Wilson-Cowan answer at 1 %
    # noise): the comparison runs in a forked process for at most COMPARE_SECONDS, and a model it
    # cannot finish comparing counts as not exact (it is far from the 4-term truth anyway).
    comparison = _compare_with_timeout(equations, system)
    train = integrated_r2(equations, system.symbols, t, X_train, time_limit=INTEGRATION_SECONDS)
    test = integrated_r2(equations, system.symbols, t, X_test, time_limit=INTEGRATION_SECONDS)
    if comparison is None:
        compared = {"structure": False, "precision": 0.0, "recall": 0.0, "max_relative_error": 10.0, "size": 0,
                    "comparison_timeout": True}
    else:
        structure, precision, recall, error, size = comparison
        compared = {"structure": structure, "precision": precision, "recall": recall,
                    "max_relative_error": float(min(error, 10)), "size": size}
    return {
        **compared,
        "r2_train": train.r2 if math.isfinite(train.r2) else None,
        "r2_test": test.r2 if math.isfinite(test.r2) else None,
        "status_train": train.status,
        "status_test": test.status,
        "terms": sum(len(sympy.Add.make_args(sympy.expand(e))) for e in equations),
    }


_CLEAN: dict = {}


def clean_trajectories(name: str):
    """(system, t, training trajectory, held-out trajectory) without noise, computed once per system."""
    if name not in _CLEAN:
        system = get_benchmark_system(name)
        t = system.time_grid()
        _CLEAN[name] = (system, t, system.simulate(t, x0=system.x0s[0]), system.simulate(t, x0=system.test_x0))
    return _CLEAN[name]


def run_case(case: tuple) -> dict:
    """Fit and evaluate one (system, noise, seed, method); never raises."""
    name, noise, seed, method = case
    system, t, X_train, X_test = clean_trajectories(name)
    X = noisy_data(name, X_train, noise, seed)
    row = {"system": name, "noise": noise, "seed": seed, "method": method, "states": system.dimension,
           "polynomial": _polynomial(system), "samples": int(t.size)}
    start = time.perf_counter()
    cpu_start = time.process_time()
    previous = signal.signal(signal.SIGALRM, _alarm) if hasattr(signal, "SIGALRM") else None
    try:
        if previous is not None:
            signal.setitimer(signal.ITIMER_REAL, FIT_SECONDS)
        if method in ("lincomb", "lincomb-network"):
            equations = fit_network(t, X, system.names, seed, network=method == "lincomb-network")
        else:
            equations, threshold = fit_pysindy(method, t, X, system.names)
            row["threshold"] = threshold
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        if previous is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
        row.update(evaluate(system, equations, t, X_train, X_test))
        row["equations"] = [str(sympy.sympify(e).evalf(5)) for e in equations]
    except BaseException as error:  # a crash or a timeout scores as not recovered
        if previous is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
        if isinstance(error, KeyboardInterrupt):
            raise
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start
        message = f"fit took over {FIT_SECONDS} s" if isinstance(error, _FitTimeout) else f"{type(error).__name__}: {error}"
        row.update(structure=False, precision=0.0, recall=0.0, max_relative_error=10.0, size=0, r2_train=None,
                   r2_test=None, status_train="error", status_test="error", terms=0, error=message[:300])
    finally:
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)
    row["seconds"] = seconds
    row["cpu_seconds"] = cpu_seconds  # the fit's CPU time (one thread): less sensitive to a loaded machine
    return row


def _polynomial(system) -> bool:
    from symreg_systems import is_polynomial

    return bool(is_polynomial(system))


# ----------------------------------------------------------------------------- summaries
def class_of(row: dict) -> str:
    return f"{row['states']}-state {'poly' if row['polynomial'] else 'non-poly'}"


CLASSES = [f"{n}-state {kind}" for n in (1, 2, 3, 4) for kind in ("poly", "non-poly")]
GROUPS = ("all", "polynomial", "non-polynomial", *CLASSES)


def _in_group(row: dict, group: str) -> bool:
    if group == "all":
        return True
    if group == "polynomial":
        return row["polynomial"]
    if group == "non-polynomial":
        return not row["polynomial"]
    return class_of(row) == group


def _good(value, level=0.9) -> bool:
    return value is not None and value > level


def summarize(rows: list[dict]) -> list[dict]:
    """One entry per (method, noise, group) with rates and medians."""
    table = []
    methods = [m for m in METHODS if any(r["method"] == m for r in rows)]
    for method in methods:
        for noise in sorted({r["noise"] for r in rows}):
            for group in GROUPS:
                cell = [r for r in rows if r["method"] == method and r["noise"] == noise and _in_group(r, group)]
                if not cell:
                    continue
                table.append({
                    "method": method, "noise": noise, "group": group, "runs": len(cell),
                    "systems": len({r["system"] for r in cell}),
                    "exact": statistics.mean(r["structure"] for r in cell),
                    "r2_test_gt_0.9": statistics.mean(_good(r["r2_test"]) for r in cell),
                    "r2_train_gt_0.9": statistics.mean(_good(r["r2_train"]) for r in cell),
                    "diverged": statistics.mean(r["status_test"] != "ok" for r in cell),
                    "precision": statistics.mean(r["precision"] for r in cell),
                    "recall": statistics.mean(r["recall"] for r in cell),
                    "median_coefficient_error": statistics.median(r["max_relative_error"] for r in cell),
                    "median_terms": statistics.median(r["terms"] for r in cell),
                    "median_seconds": statistics.median(r["seconds"] for r in cell),
                    "max_seconds": max(r["seconds"] for r in cell),
                    "median_cpu_seconds": statistics.median(r.get("cpu_seconds", r["seconds"]) for r in cell),
                    "max_cpu_seconds": max(r.get("cpu_seconds", r["seconds"]) for r in cell),
                })
    return table


def _percent(value: float) -> str:
    return f"{100 * value:.0f} %"


def half_rates(rows: list[dict], method: str = "lincomb") -> dict:
    """Exact-structure and R^2 > 0.9 rates of ``method`` per noise on the zoo's even and odd halves.

    Changes to the defaults are tried on the even half (``--half even``); the odd half is the check
    on systems the change was not tried on.

    Examples
    --------
    >>> rows = [{"system": "lorenz63_b", "method": "lincomb", "noise": 0.0, "structure": True, "r2_test": 1.0}]
    >>> half_rates(rows)["even"]
    (1, {0.0: 1.0}, {0.0: 1.0})
    """
    from symreg_systems import zoo_names

    index = {name: k for k, name in enumerate(zoo_names())}
    found = {}
    for half, parity in (("even", 0), ("odd", 1)):
        cell = [r for r in rows if r["method"] == method and index.get(r["system"], -1) % 2 == parity]
        if not cell:
            continue
        noises = sorted({r["noise"] for r in cell})
        exact = {n: float(np.mean([r["structure"] for r in cell if r["noise"] == n])) for n in noises}
        good = {n: float(np.mean([_good(r["r2_test"]) for r in cell if r["noise"] == n])) for n in noises}
        found[half] = (len({r["system"] for r in cell}), exact, good)
    return found


def markdown(table: list[dict], rows: list[dict]) -> str:
    """The README tables: exact structure and R^2 > 0.9 from the held-out start, by class and noise."""
    noises = sorted({r["noise"] for r in table})
    methods = [m for m in METHODS if any(r["method"] == m for r in table)]
    cells = {(r["method"], r["noise"], r["group"]): r for r in table}
    lines = []
    for metric, title in (("exact", "exact structure"), ("r2_test_gt_0.9", "R^2 > 0.9 integrated from the second initial condition")):
        header = "| class (systems) | " + " | ".join(f"{m} g = {' / '.join(f'{n:g}' for n in noises)}" for m in methods) + " |"
        lines += [f"**{title}** (share of runs)", "", header, "|" + " --- |" * (1 + len(methods))]
        for group in GROUPS:
            systems = max((cells[(m, n, group)]["systems"] for m in methods for n in noises if (m, n, group) in cells), default=0)
            if not systems:
                continue
            values = []
            for method in methods:
                values.append(" / ".join(_percent(cells[(method, n, group)][metric]) if (method, n, group) in cells else "-"
                                         for n in noises))
            lines.append(f"| {group} ({systems}) | " + " | ".join(values) + " |")
        lines.append("")
    lines += ["**all systems**", "",
              "| method | noise | exact | R^2>0.9 train span | R^2>0.9 second IC | diverged/stalled (second IC) | precision | recall | median coef. error | median terms | median fit s (CPU) | max fit s (CPU) |",
              "|" + " --- |" * 12]
    for method in methods:
        for noise in noises:
            c = cells.get((method, noise, "all"))
            if c:
                lines.append(f"| {method} | {noise:g} | {_percent(c['exact'])} | {_percent(c['r2_train_gt_0.9'])} | "
                             f"{_percent(c['r2_test_gt_0.9'])} | {_percent(c['diverged'])} | {c['precision']:.2f} | "
                             f"{c['recall']:.2f} | {c['median_coefficient_error']:.3g} | {c['median_terms']:g} | "
                             f"{c['median_seconds']:.2f} ({c['median_cpu_seconds']:.2f}) | "
                             f"{c['max_seconds']:.1f} ({c['max_cpu_seconds']:.1f}) |")
    halves = half_rates(rows)
    if halves:
        lines += ["", "**development half (even zoo index) vs held-out half (odd index)**, lincomb", "",
                  "| half (systems) | exact g = " + " / ".join(f"{n:g}" for n in noises)
                  + " | R^2 > 0.9 second IC g = " + " / ".join(f"{n:g}" for n in noises) + " |", "| --- | --- | --- |"]
        for half, (count, exact, good) in halves.items():
            lines.append(f"| {half} ({count}) | " + " / ".join(_percent(exact[n]) for n in noises) + " | "
                         + " / ".join(_percent(good[n]) for n in noises) + " |")
    three = [r for r in rows if r["method"] == "lincomb" and r["states"] == 3]
    if three:
        lines += ["", f"lincomb, 3-state systems ({three[0]['samples']} points): max fit "
                      f"{max(r['seconds'] for r in three):.1f} s wall, "
                      f"{max(r.get('cpu_seconds', r['seconds']) for r in three):.1f} s CPU over {len(three)} fits"]
    return "\n".join(lines)


def plot(table: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    noises = sorted({r["noise"] for r in table})
    methods = [m for m in METHODS if any(r["method"] == m for r in table)]
    groups = [g for g in ("polynomial", "non-polynomial", *CLASSES) if any(r["group"] == g for r in table)]
    cells = {(r["method"], r["noise"], r["group"]): r for r in table}
    fig, axes = plt.subplots(2, len(noises), figsize=(5 * len(noises), 7), sharey=True, squeeze=False)
    width = 0.8 / max(len(methods), 1)
    for row, (metric, label) in enumerate((("exact", "exact structure"), ("r2_test_gt_0.9", "R^2 > 0.9, second IC"))):
        for column, noise in enumerate(noises):
            ax = axes[row][column]
            for k, method in enumerate(methods):
                values = [cells[(method, noise, g)][metric] if (method, noise, g) in cells else 0 for g in groups]
                ax.bar(np.arange(len(groups)) + k * width, values, width, label=method)
            ax.set_xticks(np.arange(len(groups)) + 0.4 - width / 2)
            ax.set_xticklabels(groups, rotation=60, ha="right", fontsize=7)
            ax.set_title(f"{label}, noise {noise:g}", fontsize=9)
            ax.set_ylim(0, 1)
    axes[0][0].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ----------------------------------------------------------------------------- driver
def _write(path: Path, payload: dict) -> None:
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(payload, indent=1))
    temporary.replace(path)


def _commit() -> str:
    """The commit the measured lincomb comes from: $COMMIT when a snapshot is measured, else git's HEAD
    (with "+dirty" when lincomb's sources differ from it)."""
    import subprocess

    if os.environ.get("COMMIT"):
        return os.environ["COMMIT"]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "learn", "theory", "lincomb"], cwd=HERE.parent)
        return head + ("+dirty" if dirty.returncode else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _lock(path: Path) -> None:
    """Refuse to run when another live process writes the same results file (it would overwrite rows)."""
    import atexit

    lock = path.with_suffix(".lock")
    if lock.exists():
        try:
            other = int(lock.read_text().strip())
            os.kill(other, 0)
        except (ValueError, ProcessLookupError):
            other = None
        except PermissionError:
            pass
        if other is not None and other != os.getpid():
            raise SystemExit(f"error: process {other} is writing {path.name}; wait for it or use another --name")
    lock.write_text(str(os.getpid()))
    atexit.register(lambda: lock.unlink(missing_ok=True))


def _key(row: dict) -> tuple:
    return (row["system"], float(row["noise"]), int(row["seed"]), row["method"])


def fill_copies(rows: list[dict]) -> None:
    """Copy each deterministic method's noise-free seed-0 row to the other seeds present in ``rows``."""
    seeds = sorted({int(r["seed"]) for r in rows})
    present = {_key(r) for r in rows}
    fixed = {m for m in {r["method"] for r in rows} if deterministic(m)}
    for row in [r for r in rows if r["noise"] == 0 and r["seed"] == 0 and r["method"] in fixed
                and "copied_from_seed" not in r]:
        for seed in seeds[1:]:
            if (row["system"], 0.0, seed, row["method"]) not in present:
                rows.append({**row, "seed": seed, "copied_from_seed": 0})


def _init_worker():
    # Import the heavy modules before any fit is timed.
    try:
        import torch

        torch.set_num_threads(1)
        import lincomb.learn.symreg  # noqa: F401
    except ImportError:
        pass
    try:
        import pysindy  # noqa: F401
    except ImportError:
        pass


def main(argv=None) -> int:
    from symreg_systems import zoo_names

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", default="", help="comma-separated names (default: the whole zoo)")
    parser.add_argument("--half", choices=("even", "odd"), default=None,
                        help="only the zoo's systems of even (development half) or odd (held-out half) index")
    parser.add_argument("--noises", default=",".join(f"{n:g}" for n in NOISES))
    parser.add_argument("--seeds", type=int, default=3, help="noise seeds 0..SEEDS-1 (default 3)")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1; the machine is shared)")
    parser.add_argument("--name", default="symreg", help="results/NAME.json and NAME.png (default symreg)")
    parser.add_argument("--report", action="store_true", help="only summarize results/NAME.json")
    parser.add_argument("--include", action="append", default=[], metavar="OTHER",
                        help="add the runs of results/OTHER.json that NAME lacks (e.g. a separate PySINDy run)")
    args = parser.parse_args(argv)
    _init_worker()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{args.name}.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    rows = previous.get("runs", [])
    if not args.report:
        systems = [s for s in args.systems.split(",") if s] or zoo_names()
        if args.half:
            # the development protocol: changes are tried on the even half, the odd half is looked at last
            systems = [s for s in systems if zoo_names().index(s) % 2 == (0 if args.half == "even" else 1)]
        noises = [float(v) for v in args.noises.split(",") if v]
        methods = [m for m in args.methods.split(",") if m]
        unknown = [m for m in methods if m not in METHODS + EXTRA_METHODS]
        if unknown:
            parser.error(f"unknown methods {unknown}; choose from {', '.join(METHODS + EXTRA_METHODS)}")
        for name in systems:
            get_benchmark_system(name)
        done = {_key(r) for r in rows}
        # Without noise a deterministic method gives the same answer for every seed: it runs for seed 0
        # only and its row is copied to the other seeds (marked "copied_from_seed").
        fixed = {m for m in methods if deterministic(m)}
        # seeds outermost: a run stopped early covers every system and noise with the seeds it finished
        cases = [(s, n, seed, m) for seed in range(args.seeds) for s in systems for n in noises for m in methods
                 if (s, n, seed, m) not in done and not (n == 0 and seed > 0 and m in fixed)]
        grid = {"lincomb_commit": _commit(), "systems": systems, "noises": noises, "seeds": args.seeds, "methods": methods,
                "noise_model": "multiplicative x (1 + g e)", "fit_cap_seconds": FIT_SECONDS}
        _lock(path)
        print(f"{len(cases)} cases to run ({len(done)} already in {path.name})", file=sys.stderr, flush=True)
        start = time.perf_counter()

        def record(row):
            rows.append(row)
            _write(path, {"grid": grid, "runs": rows})
            print(f"{row['system']:24s} g={row['noise']:<5g} seed {row['seed']} {row['method']:20s} exact "
                  f"{row['structure']!s:5s} R2 test {row['r2_test'] if row['r2_test'] is None else round(row['r2_test'], 3)} "
                  f"{row['seconds']:.1f}s {row.get('error', '')}", file=sys.stderr, flush=True)

        if args.jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor, as_completed

            # Not multiprocessing.Pool: its workers are daemonic and may not start the forked process that
            # bounds each structure comparison (every case then failed with an AssertionError).
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(args.jobs, mp_context=context, initializer=_init_worker) as pool:
                for future in as_completed([pool.submit(run_case, case) for case in cases]):
                    record(future.result())
        else:
            for case in cases:
                record(run_case(case))
        grid["deterministic_methods"] = sorted(fixed)
        grid["wall_seconds_this_run"] = time.perf_counter() - start
        previous["grid"] = grid
    for name in args.include:
        done = {_key(r) for r in rows}
        rows.extend(r for r in json.loads((RESULTS / f"{name}.json").read_text())["runs"] if _key(r) not in done)
    fill_copies(rows)
    table = summarize(rows)
    grid = previous.get("grid", {})
    if args.include:
        grid["included"] = sorted(set(grid.get("included", [])) | set(args.include))
    _write(path, {"grid": grid, "table": table, "runs": rows})
    if table:
        plot(table, RESULTS / f"{args.name}.png")
        print(markdown(table, rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
