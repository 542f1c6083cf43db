"""``lincomb regions count | list | plot``: the exact activation regions of a network on a box, a plane or a path.

All three use the exact partition of :mod:`lincomb.solvers.regions_planar` (integer splitting, 10^4 - 10^5
regions a minute or faster): on a 2-D box of the inputs (a network with 2 inputs, ``--box``), on a box of a
plane ``origin + u1 d1 + u2 d2`` through R^n (``--plane``), or along the segment between two points
(``--path``, any number of inputs). ``count`` can write the ``region-count`` certificate (``--certificate``),
which ``lincomb verify`` re-checks with the stdlib checker. ``plot`` draws every region's exact polygon with
one matplotlib PolyCollection (readable with 10^5 regions; labels only when there are few). matplotlib
comes with the ``learn`` extra and is imported only when plotting.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="lincomb"); commands = parser.add_subparsers(dest="command")
>>> add_parser(commands)
>>> args = parser.parse_args(["regions", "plot", "net.json", "--box", "-1/2", "1", "-1", "1"])
>>> args.box, args.out
(['-1/2', '1', '-1', '1'], 'regions.png')
>>> parser.parse_args(["regions", "count", "net.json", "--path", "0,-1/2", "1,1"]).path
['0,-1/2', '1,1']
"""

from __future__ import annotations

import json
import re
import sys
import time

from lincomb.errors import MissingDependencyError, ShapeError, UsageError

__all__ = ["add_parser", "run", "partition_from_args", "plot_partition"]

_NUMBERS = re.compile(r"^-\d+(/\d+)?$|^-\d*\.\d+$|^-[\d/,.-]+$")


def _domain_arguments(parser) -> None:
    # argparse takes "-1/2" for an option unless it looks like a negative number; teach it exact fractions
    # and comma-separated points (no option of these parsers looks like a number).
    parser._negative_number_matcher = _NUMBERS
    parser.add_argument("network", help='a JSON file {"type": "relu-network", "layers": [...]}')
    parser.add_argument("--box", nargs=4, metavar=("X0", "X1", "Y0", "Y1"), default=["-1", "1", "-1", "1"],
                        help="the box x0 < x < x1, y0 < y < y1 (exact rationals, e.g. -1/2); with --plane, "
                             "in the plane's coordinates (default -1 1 -1 1)")
    parser.add_argument("--plane", nargs=3, metavar=("ORIGIN", "D1", "D2"),
                        help="a plane origin + u1 d1 + u2 d2 of R^n, each a comma-separated point, e.g. 0,0,1")
    parser.add_argument("--path", nargs=2, metavar=("FROM", "TO"),
                        help="the open segment between two comma-separated points (any number of inputs)")
    parser.add_argument("--dask", metavar="TARGET",
                        help="split the work below the first layer into Dask tasks: local, local:N or a scheduler "
                             "address (lincomb[distributed]); same result and certificate as a local run")


def add_parser(subparsers) -> None:
    """Add ``regions count``, ``regions list`` and ``regions plot`` to the ``lincomb`` command line.

    Examples
    --------
    >>> import argparse
    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_parser(commands); "regions" in commands.choices
    True
    """
    regions = subparsers.add_parser("regions", help="linear regions of a ReLU network")
    actions = regions.add_subparsers(dest="regions_command", required=True)
    count = actions.add_parser("count", help="count the activation regions exactly (optionally write the certificate)")
    _domain_arguments(count)
    count.add_argument("--certificate", metavar="FILE", help="write the region-count certificate (JSON) here")
    listing = actions.add_parser("list", help="list every region: activation pattern and a rational interior point")
    _domain_arguments(listing)
    listing.add_argument("--limit", type=int, default=None, help="print at most this many regions")
    plot = actions.add_parser("plot", help="draw the activation regions on a 2-D box (PNG)")
    _domain_arguments(plot)
    plot.add_argument("--out", default="regions.png", help="the PNG to write (default regions.png)")
    regions.set_defaults(handler=run)


def _point(text: str, what: str) -> list:
    from lincomb.theory.rationals import to_rational

    return [to_rational(v.strip(), what) for v in text.split(",")]


def partition_from_args(network, args):
    """The :class:`~lincomb.solvers.regions_planar.Partition` that ``--box``, ``--plane`` or ``--path`` ask for.

    Examples
    --------
    >>> import argparse
    >>> from lincomb.theory import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> partition_from_args(net, argparse.Namespace(box=["-1", "1", "-1", "1"], plane=None, path=None)).count
    4
    >>> partition_from_args(net, argparse.Namespace(box=None, plane=None, path=["-1,-1/2", "1,1/2"])).count
    2
    """
    from lincomb.solvers.regions_planar import frontier_partition, path_partition, planar_partition
    from lincomb.theory.rationals import to_rational

    if args.path and args.plane:
        raise UsageError("give --path or --plane, not both")
    if args.path:
        start, end = _point(args.path[0], "--path"), _point(args.path[1], "--path")
        box, origin, directions = ([0], [1]), start, [[b - a for a, b in zip(start, end)]]
    else:
        x0, x1, y0, y1 = (to_rational(v, "--box") for v in (args.box or ["-1", "1", "-1", "1"]))
        box = ([x0, y0], [x1, y1])
        origin = directions = None
        if args.plane:
            origin, first, second = (_point(p, "--plane") for p in args.plane)
            directions = [first, second]
    if getattr(args, "dask", None):
        from lincomb.solvers.keyed_tasks import dask_client

        with dask_client(args.dask) as client:
            return frontier_partition(network, box, origin=origin, directions=directions, chunks=16, client=client)
    if args.path:
        return path_partition(network, start, end)
    return planar_partition(network, box, origin=origin, directions=directions)


def plot_partition(partition, path, *, labels: bool | None = None) -> int:
    """Draw a 2-D partition into a PNG with one PolyCollection; returns the number of regions.

    Regions are coloured by a hash of their activation pattern; with ``labels`` (default: at most 60
    regions) each region shows its pattern.

    Examples
    --------
    >>> import tempfile, os
    >>> from lincomb.solvers.regions_planar import planar_partition
    >>> from lincomb.theory import ReLUNetwork
    >>> p = planar_partition(ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, -1]], [0])]), ([-1, -1], [1, 1]))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     plot_partition(p, os.path.join(folder, "r.png"))
    4
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib.collections import PolyCollection
    except ImportError:
        raise MissingDependencyError('plotting regions needs matplotlib: pip install "lincomb[learn]"') from None
    import zlib

    if partition.dimension != 2:
        raise ShapeError("plot needs a 2-D partition (--box or --plane), not a path")
    polygons = partition.polygons()
    patterns = partition.region_patterns()
    colours = plt.get_cmap("tab20")
    faces = [colours(zlib.crc32(p.encode()) % 20) for p in patterns]
    many = len(polygons) > 2000
    figure, axes = plt.subplots(figsize=(8, 8))
    # beyond ~20,000 regions black edges would cover the picture: the colours alone separate the regions
    edges = "face" if len(polygons) > 20000 else "black"
    axes.add_collection(PolyCollection(polygons, facecolors=faces, edgecolors=edges,
                                       linewidths=0.05 if many else 0.5, antialiased=not many))
    if labels if labels is not None else len(polygons) <= 60:
        for pattern, point in zip(patterns, partition.points()):
            axes.text(float(point[0]), float(point[1]), pattern, fontsize=6, ha="center", va="center")
    (x0, y0), (x1, y1) = partition.box
    axes.set_xlim(float(x0), float(x1))
    axes.set_ylim(float(y0), float(y1))
    axes.set_aspect("equal")
    where = "" if partition.directions is None else " (plane coordinates)"
    axes.set_title(f"{len(polygons)} activation regions{where}, widths {list(partition.widths)}")
    figure.savefig(path, dpi=200 if many else 150, bbox_inches="tight")
    plt.close(figure)
    return len(polygons)


def _read_network(path: str):
    from lincomb.theory import ReLUNetwork

    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except OSError as error:
        raise UsageError(f"cannot read the network file {path}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{path} is not valid JSON: {error}") from None
    return ReLUNetwork.from_json(data)


def run(args) -> int:
    """Run ``lincomb regions count | list | plot``; returns the exit code.

    Examples
    --------
    >>> import argparse
    >>> run(argparse.Namespace(regions_command="plot", network="/no/such/file.json", box=["-1", "1", "-1", "1"],
    ...                        plane=None, path=None, out="r.png"))
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: cannot read the network file /no/such/file.json: No such file or directory
    """
    from lincomb.output_paths import check_output_file

    if args.regions_command == "plot":  # before the partition: an unwritable --out is exit 2 at once
        check_output_file(args.out, "--out")
    if getattr(args, "certificate", None):
        check_output_file(args.certificate, "--certificate")
    network = _read_network(args.network)
    start = time.perf_counter()
    partition = partition_from_args(network, args)
    seconds = time.perf_counter() - start
    if args.regions_command == "plot":
        count = plot_partition(partition, args.out)
        print(f"{count} activation regions drawn to {args.out}")
        return 0
    if args.regions_command == "list":
        shown = partition.count if args.limit is None else min(args.limit, partition.count)
        for pattern, point in list(zip(partition.region_patterns(), partition.points()))[:shown]:
            print(pattern, " ".join(str(v) for v in point))
        if shown < partition.count:
            print(f"... {partition.count - shown} more", file=sys.stderr)
        return 0
    print(f"{partition.count} activation regions ({seconds:.2f} s, {partition.count / max(seconds, 1e-9):.0f} regions/s; "
          f"{partition.exact_decisions} float-undecided line tests decided exactly)")
    if getattr(args, "certificate", None):
        from lincomb.proofs_check.region_checks import partition_certificate

        with open(args.certificate, "w", encoding="utf-8") as handle:
            json.dump(partition_certificate(partition), handle, separators=(",", ":"))
        print(f"certificate written to {args.certificate}; check it with: lincomb verify {args.certificate}")
    return 0
