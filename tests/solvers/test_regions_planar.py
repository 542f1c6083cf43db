"""The planar / path partition agrees with the exact LP enumerator and its certificates verify."""

from __future__ import annotations

import random

import pytest

from lincomb.errors import ShapeError, UsageError
from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.region_checks import partition_certificate
from lincomb.solvers.regions import activation_pattern, enumerate_regions
from lincomb.solvers.regions_planar import integer_hidden_layers, path_partition, planar_partition
from lincomb.theory import ReLUNetwork


def random_network(widths, n, seed, low=-3, high=3, denominator=1):
    rng = random.Random(seed)
    layers, previous = [], n
    for width in [*widths, 1]:
        layers.append((
            [[f"{rng.randint(low, high)}/{rng.randint(1, denominator)}" for _ in range(previous)] for _ in range(width)],
            [f"{rng.randint(low, high)}/{rng.randint(1, denominator)}" for _ in range(width)],
        ))
        previous = width
    return ReLUNetwork(layers)


@pytest.mark.parametrize("seed", range(24))
def test_planar_patterns_equal_the_exact_enumerator(seed):
    rng = random.Random(seed)
    widths = [rng.randint(1, 5) for _ in range(rng.randint(1, 3))]
    network = random_network(widths, 2, seed, denominator=1 + seed % 3)
    box = ([-3, "-1/2"], [2, "5/2"])
    partition = planar_partition(network, box)
    assert partition.patterns() == enumerate_regions(network, box=box).patterns()
    # every region's point has the region's pattern (recomputed by the network itself)
    for pattern, point in zip(partition.region_patterns(), partition.points()):
        assert activation_pattern(network, point) == pattern


@pytest.mark.parametrize("seed", range(12))
def test_path_patterns_equal_the_exact_enumerator_in_one_dimension(seed):
    rng = random.Random(seed)
    widths = [rng.randint(1, 6) for _ in range(rng.randint(1, 3))]
    network = random_network(widths, 1, seed)
    assert path_partition(network, ["-7/2"], [4]).patterns() == enumerate_regions(network, box=(["-7/2"], [4])).patterns()


def test_degenerate_arrangements_concurrent_and_parallel_lines():
    # x = 0, y = 0, x + y = 0 all meet at the origin; x = 1 is parallel to x = 0; a dead neuron; a duplicate line
    network = ReLUNetwork([([[1, 0], [0, 1], [1, 1], [1, 0], [0, 0], [2, 0]], [0, 0, 0, -1, 0, 0]), ([[1] * 6], [0])])
    box = ([-2, -2], [2, 2])
    partition = planar_partition(network, box)
    assert partition.patterns() == enumerate_regions(network, box=box).patterns()
    assert partition.count == 9  # 6 sectors at the origin, 3 of them cut by x = 1
    assert verify_certificate(partition_certificate(partition)).verified


def test_plane_slice_and_path_in_three_dimensions():
    network = random_network([4, 3], 3, 5)
    origin, directions = [1, 0, "1/2"], [[1, 1, 0], [0, "1/3", 1]]
    partition = planar_partition(network, ([-2, -2], [2, 2]), origin=origin, directions=directions)
    for pattern, (u, v) in zip(partition.region_patterns(), partition.points()):
        point = [o + u * a + v * b for o, a, b in zip(map(__import__("fractions").Fraction, origin),
                                                       *[[__import__("fractions").Fraction(x) for x in d] for d in directions])]
        assert activation_pattern(network, point) == pattern
    assert verify_certificate(partition_certificate(partition)).verified
    path = path_partition(network, [-2, 1, 0], [3, -1, 2])
    assert verify_certificate(partition_certificate(path)).verified


def test_integer_scaling_keeps_the_signs():
    network = random_network([3, 2], 2, 1, denominator=7)
    layers = integer_hidden_layers(network)
    assert all(isinstance(v, int) for w, b in layers for row in w for v in row + b)


def test_usage_errors():
    with pytest.raises(ShapeError):
        planar_partition(random_network([2], 3, 0), ([-1, -1], [1, 1]))
    with pytest.raises(ShapeError):
        planar_partition(random_network([2], 2, 0), ([1, -1], [1, 1]))
    with pytest.raises(UsageError):
        path_partition(random_network([2], 2, 0), [1, 1], [1, 1])


@pytest.mark.slow
def test_large_network_matches_the_exact_enumerator():
    network = random_network([12, 12], 2, 7, low=-5, high=5)
    box = ([-3, -3], [3, 3])
    assert planar_partition(network, box).patterns() == enumerate_regions(network, box=box).patterns()


def test_regions_count_list_plot_commands(tmp_path, capsys):
    import json

    from lincomb.cli import main
    from lincomb.proofs_check.checkers import verify_file

    network = random_network([4, 3], 2, 2)
    path = tmp_path / "net.json"
    path.write_text(json.dumps(network.to_json()))
    certificate = tmp_path / "cert.json"
    assert main(["regions", "count", str(path), "--box", "-2", "3/2", "-1/2", "2", "--certificate", str(certificate)]) == 0
    expected = planar_partition(network, (["-2", "-1/2"], ["3/2", "2"])).count
    assert capsys.readouterr().out.startswith(f"{expected} activation regions")
    assert verify_file(str(certificate)).verified
    assert main(["regions", "list", str(path), "--path", "-2,-1", "2,1/2", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(len(line.split()[0]) == 7 for line in lines)
    pytest.importorskip("matplotlib")
    out = tmp_path / "r.png"
    assert main(["regions", "plot", str(path), "--plane", "0,0", "1,0", "0,1", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_huge_weights_take_the_python_integer_path():
    # products of weights ~10^7 exceed 2^53: the next maps are computed with Python integers
    rng = random.Random(3)
    layers, previous = [], 2
    for width in (3, 3, 2, 1):
        layers.append(([[rng.randint(-10**7, 10**7) for _ in range(previous)] for _ in range(width)],
                       [rng.randint(-10**7, 10**7) for _ in range(width)]))
        previous = width
    network = ReLUNetwork(layers)
    box = ([-2, -2], [2, 2])
    partition = planar_partition(network, box)
    assert partition.exact_map_cells > 0
    assert partition.patterns() == enumerate_regions(network, box=box).patterns()
    assert verify_certificate(partition_certificate(partition)).verified


@pytest.mark.parametrize("seed", range(4))
def test_frontier_split_gives_the_same_certificate(seed):
    from lincomb.solvers.regions_planar import frontier_partition

    network = random_network([5, 4, 3], 2, seed)
    box = ([-3, -2], [2, 3])
    local = planar_partition(network, box).certificate_data()
    for chunks in (1, 2, 5):
        assert frontier_partition(network, box, chunks=chunks).certificate_data() == local
    network3 = random_network([4, 4], 3, seed)
    start, end = [-2, 1, 0], [3, -1, 2]
    path = frontier_partition(network3, ([0], [1]), origin=start, directions=[[5, -2, 2]], chunks=3)
    assert path.certificate_data() == path_partition(network3, start, end).certificate_data()


@pytest.mark.slow
def test_frontier_split_on_a_local_dask_cluster():
    pytest.importorskip("distributed")
    from lincomb.solvers.keyed_tasks import dask_client
    from lincomb.solvers.regions_planar import frontier_partition

    network = random_network([8, 8, 8], 2, 1, low=-5, high=5)
    box = ([-4, -4], [4, 4])
    with dask_client("local:2") as client:
        split = frontier_partition(network, box, chunks=4, client=client)
    assert split.certificate_data() == planar_partition(network, box).certificate_data()
    assert verify_certificate(partition_certificate(split)).verified
