"""Search: finding witnesses that the checkers then re-validate exactly.

Planned here: the Pyomo + HiGHS MILP/LP layer (one ``solve(model, backend=...)`` returning a
result object with termination reason, incumbent, bound, time and solver version), an exact
rational LP, the depth MIP, representation search by exact linear algebra, and linear-region
counting.  A missing solver raises :class:`lincomb.errors.SolverUnavailable` with an install hint.

Importing this package is cheap: solver back-ends are imported by the modules that use them.
"""
