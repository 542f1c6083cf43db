"""``lincomb regions plot``: a PNG of a network's activation regions on a 2-D box.

Each region (exact, from :func:`lincomb.solvers.regions.enumerate_regions`) is drawn as its exact polygon
(pplpy H-to-V conversion), coloured by activation pattern, and labelled with the gradient of the network's
affine piece there. matplotlib comes with the ``learn`` extra and is imported only when plotting.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="lincomb"); commands = parser.add_subparsers(dest="command")
>>> add_parser(commands)
>>> args = parser.parse_args(["regions", "plot", "net.json", "--box", "-1/2", "1", "-1", "1"])
>>> args.box, args.out
(['-1/2', '1', '-1', '1'], 'regions.png')
"""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction

from lincomb.errors import MissingDependencyError, ShapeError, UsageError

__all__ = ["add_parser", "run", "region_polygons", "plot_regions"]


def add_parser(subparsers) -> None:
    """Add ``regions plot`` to the ``lincomb`` command line.

    Examples
    --------
    >>> import argparse
    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_parser(commands); "regions" in commands.choices
    True
    """
    regions = subparsers.add_parser("regions", help="linear regions of a ReLU network")
    actions = regions.add_subparsers(dest="regions_command", required=True)
    plot = actions.add_parser("plot", help="draw the activation regions of a 2-input network on a box (PNG)")
    plot.add_argument("network", help='a JSON file {"type": "relu-network", "layers": [...]} with 2 inputs')
    # argparse takes "-1/2" for an option unless it looks like a negative number; teach it exact fractions
    # (this parser has no options that look like numbers, so nothing else changes).
    plot._negative_number_matcher = re.compile(r"^-\d+(/\d+)?$|^-\d*\.\d+$")
    plot.add_argument("--box", nargs=4, metavar=("X0", "X1", "Y0", "Y1"), default=["-1", "1", "-1", "1"],
                      help="the box x0 < x < x1, y0 < y < y1 (exact rationals, e.g. -1/2)")
    plot.add_argument("--out", default="regions.png", help="the PNG to write (default regions.png)")
    regions.set_defaults(handler=run)


def region_polygons(network, box) -> list:
    """``(region, vertices in counter-clockwise order)`` for every activation region inside the box.

    Examples
    --------
    >>> from lincomb.theory import ReLUNetwork
    >>> polygons = region_polygons(ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])]), ([-1, -1], [1, 1]))
    >>> [(r.pattern, len(v)) for r, v in polygons]
    [('0', 4), ('1', 4)]
    """
    import ppl

    from lincomb.solvers.regions import enumerate_regions

    if network.input_dimension != 2:
        raise ShapeError(f"regions plot needs a network with 2 inputs, this one has {network.input_dimension}")
    result = enumerate_regions(network, box=box)
    polygons = []
    for region in result.regions:
        system = ppl.Constraint_System()
        for _, constraint in region.constraints:
            scale = math.lcm(*(v.denominator for v in (*constraint.linear, constraint.constant)))
            expression = ppl.Linear_Expression([int(a * scale) for a in constraint.linear], int(constraint.constant * scale))
            system.insert(expression >= 0)
        polyhedron = ppl.C_Polyhedron(system)
        vertices = []
        for generator in polyhedron.minimized_generators():
            divisor = int(generator.divisor())
            vertices.append(tuple(Fraction(int(c), divisor) for c in generator.coefficients()))
        cx = sum(v[0] for v in vertices) / len(vertices)
        cy = sum(v[1] for v in vertices) / len(vertices)
        vertices.sort(key=lambda v: math.atan2(float(v[1] - cy), float(v[0] - cx)))
        polygons.append((region, vertices))
    return polygons


def plot_regions(network, box, path) -> int:
    """Draw the regions into a PNG; returns the number of regions.

    Examples
    --------
    >>> import tempfile, os
    >>> from lincomb.theory import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, -1]], [0])])
    >>> with tempfile.TemporaryDirectory() as folder:            # doctest: +SKIP
    ...     plot_regions(net, ([-1, -1], [1, 1]), os.path.join(folder, "r.png"))
    4
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.patches import Polygon
    except ImportError:
        raise MissingDependencyError('plotting regions needs matplotlib: pip install "lincomb[learn]"') from None
    polygons = region_polygons(network, box)
    figure, axes = plt.subplots(figsize=(7, 7))
    colours = plt.get_cmap("tab20")
    for index, (region, vertices) in enumerate(polygons):
        axes.add_patch(Polygon([(float(x), float(y)) for x, y in vertices], closed=True,
                               facecolor=colours(index % 20), edgecolor="black", linewidth=0.6, alpha=0.8))
        gradient = region.pieces[0].linear
        x, y = (float(v) for v in region.point)
        label = f"{region.pattern}\n∇=({', '.join(str(g) for g in gradient)})"
        axes.text(x, y, label, fontsize=6, ha="center", va="center")
    (x0, y0), (x1, y1) = box
    axes.set_xlim(float(Fraction(x0)), float(Fraction(x1)))
    axes.set_ylim(float(Fraction(y0)), float(Fraction(y1)))
    axes.set_title(f"{len(polygons)} activation regions (pattern, gradient of the first output)")
    axes.set_aspect("equal")
    figure.savefig(path, dpi=150, bbox_inches="tight")
    plt.close(figure)
    return len(polygons)


def run(args) -> int:
    """Run ``lincomb regions plot``; returns the exit code.

    Examples
    --------
    >>> import argparse
    >>> run(argparse.Namespace(regions_command="plot", network="/no/such/file.json", box=["-1", "1", "-1", "1"],
    ...                        out="r.png"))
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: cannot read the network file /no/such/file.json: No such file or directory
    """
    from lincomb.theory import ReLUNetwork
    from lincomb.theory.rationals import to_rational

    try:
        with open(args.network, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise UsageError(f"cannot read the network file {args.network}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{args.network} is not valid JSON: {error}") from None
    network = ReLUNetwork.from_json(data)
    x0, x1, y0, y1 = (to_rational(v, "--box") for v in args.box)
    count = plot_regions(network, ([x0, y0], [x1, y1]), args.out)
    print(f"{count} activation regions drawn to {args.out}")
    return 0
