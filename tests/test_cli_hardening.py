"""Output paths are checked before any work, and model-loading errors are one line (issue 18, items 3 and 4).

Every case: exit 2, one line on stderr naming the path, no traceback, nothing done first. The unwritable places
are ``/proc/...`` (no folder can be created there, even as root) and a path under an existing regular file.
"""

from __future__ import annotations

import time

import pytest

from lincomb.cli import main
from lincomb.output_paths import check_output_dir, check_output_file

NETWORK = '{"type": "relu-network", "layers": [{"weights": [["1", "0"], ["0", "1"]], "biases": ["0", "0"]}, ' \
          '{"weights": [["1", "1"]], "biases": ["0"]}]}'


@pytest.fixture
def regular_file(tmp_path):
    path = tmp_path / "a-file.txt"
    path.write_text("not a folder\n")
    return path


def _refused(capsys, argv, *needles):
    start = time.monotonic()
    code = main(argv)
    seconds = time.monotonic() - start
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == 2, (code, captured.out, captured.err)
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err and captured.out == ""
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0], seconds


def test_check_out_naming_an_existing_file_is_refused_before_any_check(capsys, regular_file):
    line, _ = _refused(capsys, ["check", "--all", "--out", str(regular_file)], str(regular_file), "not a folder")
    assert line.startswith("lincomb: error: --out ")
    assert regular_file.read_text() == "not a folder\n"


@pytest.mark.parametrize("where", ["/proc/lincomb-out", "{file}/out"])
def test_check_out_unwritable(capsys, regular_file, where):
    out = where.format(file=regular_file)
    _refused(capsys, ["check", "max-tree-upper-bound", "--out", out], out, "cannot create this folder")


def test_regions_plot_out_unwritable_is_refused_before_the_partition(capsys, tmp_path, regular_file):
    network = tmp_path / "net.json"
    network.write_text(NETWORK)
    for out in ("/proc/lincomb-out/regions.png", f"{regular_file}/regions.png"):
        _refused(capsys, ["regions", "plot", str(network), "--out", out], f"--out {out}")
    # checked before the network is even read
    _refused(capsys, ["regions", "plot", str(tmp_path / "missing.json"), "--out", "/proc/lincomb-out/r.png"], "--out")
    _refused(capsys, ["regions", "count", str(network), "--certificate", "/proc/lincomb-out/c.json"], "--certificate")


def test_represent_out_unwritable_is_refused_before_the_search(capsys, regular_file):
    # n = 7 would enumerate for a long time: the refusal comes first
    for out in ("/proc/lincomb-out/max.json", f"{regular_file}/max.json"):
        line, seconds = _refused(capsys, ["represent", "max", "--n", "7", "--out", out], f"--out {out}")
        assert seconds < 5, seconds


def test_represent_out_creates_missing_folders_as_before(tmp_path, capsys):
    out = tmp_path / "new" / "folder" / "max4.json"
    assert main(["represent", "max", "--n", "4", "--out", str(out)]) == 0
    assert out.is_file() and "s VERIFIED" in capsys.readouterr().out


def test_sample_out_unwritable_is_refused_before_the_model_is_loaded(capsys, tmp_path):
    # the model does not exist: the --out error comes first, so nothing was loaded
    _refused(capsys, ["sample", "--model", str(tmp_path / "none.pt"), "--out", "/proc/lincomb-out/s.png"], "--out")
    _refused(capsys, ["sample", "--model", "/proc/lincomb-out/m.pt", "--train", "--out", str(tmp_path / "s.png")],
             "--model /proc/lincomb-out/m.pt")


@pytest.mark.parametrize("flag", ["--out", "--plot"])
def test_symreg_fit_outputs_unwritable(capsys, tmp_path, flag):
    data = tmp_path / "d.csv"
    data.write_text("t,u\n0,1\n1,2\n")
    _refused(capsys, ["symreg", "fit", str(data), flag, "/proc/lincomb-out/fit"], f"{flag} /proc/lincomb-out/fit")


def test_bench_out_naming_an_existing_file_is_refused_before_the_benchmark(capsys, regular_file):
    line, seconds = _refused(capsys, ["bench", "ffn_overhead", "--out", str(regular_file)], "not a folder")
    _refused(capsys, ["bench", "ffn_overhead", f"--out=/proc/lincomb-out"], "--out /proc/lincomb-out")


def test_the_checks_leave_nothing_behind(tmp_path):
    check_output_file(tmp_path / "x.png")
    check_output_dir(tmp_path / "d")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d"] and not any((tmp_path / "d").iterdir())
    existing = tmp_path / "keep.json"
    existing.write_text("{}")
    check_output_file(existing)
    assert existing.read_text() == "{}"


def test_represent_max_100_says_so_up_front(capsys):
    line, seconds = _refused(capsys, ["represent", "max", "--n", "100"], "refused", "--force")
    assert seconds < 5, seconds


def test_sample_model_that_is_not_a_model_is_one_line(capsys, tmp_path):
    torch = pytest.importorskip("torch")
    text = tmp_path / "notes.pt"
    text.write_text("not a model\n")
    module = tmp_path / "module.pt"
    torch.save(torch.nn.Linear(2, 2), module)  # refused by weights_only: torch's long paragraph before
    other = tmp_path / "other.pt"
    torch.save({"format": "something-else"}, other)
    for path in (text, module, other):
        _refused(capsys, ["sample", "--model", str(path), "--out", str(tmp_path / "s.png")],
                 f"model file {path}", "expected a lincomb EDM denoiser file")
    assert not (tmp_path / "s.png").exists()
