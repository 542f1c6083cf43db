"""lincomb on Dask: the same results and certificates with and without a cluster, worker loss, unreachable schedulers.

Every test starts real worker processes (``LocalCluster(processes=True, threads_per_worker=1)``); the file skips
without ``dask.distributed`` (``pip install "lincomb[distributed]"``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from lincomb.distributed import SchedulerUnreachable, dask_client, map_seeds, run_checks_distributed  # noqa: E402
from lincomb.errors import UsageError  # noqa: E402
from lincomb.proofs_check.checkers import verify_certificate  # noqa: E402
from lincomb.proofs_check.distributed_runner import run_checks  # noqa: E402
from lincomb.proofs_check.max_two_hidden import representation_certificate  # noqa: E402
from lincomb.proofs_check.registry import Check, get_check  # noqa: E402
from lincomb.proofs_check.runner import run_check  # noqa: E402
from lincomb.solvers.max_representation import max_representation  # noqa: E402
from lincomb.solvers.max_representation_dask import max_representation_dask  # noqa: E402

# Quick checks of several kinds (max-representation, infeasibility, mip-optimum, cpwl-identity), one or many
# certificates each.
CHECK_IDS = (
    "max-two-hidden-n5",
    "max-two-hidden-k-lower-bound",
    "hbdss-mip-n3",
    "wang-sun-max-terms",
)
# Not in the registry on purpose: a missing dependency and a missing module must come back as locally.
SKIPPED = Check("demo-needs-missing", "c", "s", "quick", ("surely_not_installed_xyz",), "max_tree")
BROKEN = Check("demo-module-missing", "c", "s", "quick", (), "no_such_module_xyz")


@pytest.fixture(scope="module")
def client():
    with dask_client("local:2", timeout=60) as connected:
        yield connected


def _without_provenance(path: Path) -> str:
    """The certificate file with its provenance (times, python version) removed, as canonical text."""
    certificate = json.loads(path.read_text())
    del certificate["provenance"]
    return json.dumps(certificate, indent=1)


def _certificate_texts(out_dir: Path) -> dict:
    return {str(p.relative_to(out_dir)): _without_provenance(p) for p in sorted(out_dir.rglob("*.json"))}


def _summary(results) -> list:
    return [(r.id, r.status, r.message, [Path(p).name for p in r.certificate_paths]) for r in results]


def test_same_results_and_certificates_with_and_without_dask(client, tmp_path):
    checks = [get_check(check_id) for check_id in CHECK_IDS] + [SKIPPED, BROKEN]
    local = [run_check(check, out_dir=tmp_path / "local") for check in checks]
    lines = []
    remote = run_checks(checks, client=client, out_dir=tmp_path / "dask", progress=lines.append)

    assert [r.status for r in local] == ["PASS"] * len(CHECK_IDS) + ["SKIP", "ERROR"]
    assert _summary(remote) == _summary(local)
    local_texts = _certificate_texts(tmp_path / "local")
    assert len(local_texts) >= len(CHECK_IDS)
    assert _certificate_texts(tmp_path / "dask") == local_texts
    # The searches ran in the worker processes, and the verification here.
    built_on = {line.split("built on ")[1].split(" ")[0] for line in lines if "built on " in line}
    assert built_on and all(not where.endswith(f":{os.getpid()}") for where in built_on)
    assert sum("verifying" in line for line in lines) >= len(CHECK_IDS)


def test_max6_certificate_is_the_same_on_one_and_two_workers(client):
    def certificate_without_provenance(result):
        certificate = representation_certificate(result, check="max-two-hidden-n6")
        assert verify_certificate(json.loads(json.dumps(certificate))).verified
        del certificate["provenance"]
        return json.dumps(certificate)

    local = certificate_without_provenance(max_representation(6))
    two = certificate_without_provenance(max_representation_dask(6, client=client, block_size=7))
    with dask_client("local:1", timeout=60) as single:
        one = certificate_without_provenance(max_representation_dask(6, client=single))
    assert one == two == local


def test_map_seeds_on_the_cluster_keeps_seed_order(client):
    seeds = [5, 3, 8, 1]
    assert map_seeds(str, seeds, client) == map_seeds(str, seeds) == ["5", "3", "8", "1"]


def test_unreachable_scheduler_fails_fast_with_a_clear_message():
    import argparse

    start = time.monotonic()
    with pytest.raises(SchedulerUnreachable) as caught:
        run_checks_distributed(argparse.Namespace(dask="tcp://127.0.0.1:1", dask_timeout=2.0), [], None, None)
    assert time.monotonic() - start < 15
    message = str(caught.value)
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in message and "--dask local:N" in message
    assert isinstance(caught.value, UsageError)  # the command line maps UsageError to exit code 2
    with pytest.raises(SchedulerUnreachable, match="scheduler file .* does not exist"):
        with dask_client(str(Path("no") / "such" / "scheduler.json")):
            pass


def _cli_has_dask_option() -> bool:
    from lincomb.cli import build_parser

    known, _ = build_parser().parse_known_args(["check", "some-id", "--dask", "local:2"])
    return getattr(known, "dask", None) == "local:2"


@pytest.mark.skipif(not _cli_has_dask_option(), reason="lincomb/cli.py does not offer --dask yet")
def test_cli_unreachable_scheduler_exits_2(capsys):
    from lincomb.cli import main

    assert main(["check", "max-two-hidden-n5", "--dask", "tcp://127.0.0.1:1", "--dask-timeout", "2"]) == 2
    assert "cannot reach the Dask scheduler" in capsys.readouterr().err


@pytest.mark.skipif(not _cli_has_dask_option(), reason="lincomb/cli.py does not offer --dask yet")
def test_cli_check_on_a_local_cluster(tmp_path, capsys):
    from lincomb.cli import main

    code = main(["check", "max-two-hidden-n5", "max-two-hidden-published-n6", "--dask", "local:2",
                 "--out", str(tmp_path), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and [r["status"] for r in report["results"]] == ["PASS", "PASS"]


def test_without_dask_option_dask_is_not_imported():
    script = (
        "import sys\n"
        "from lincomb.cli import main\n"
        "code = main(['check', 'max-two-hidden-published-n6'])\n"
        "assert code == 0, code\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed'))\n"
        "assert not loaded, loaded\n"
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]


def _kill_worker_running(client, key_part: str, killed: dict, deadline: float) -> None:
    """Kill (SIGKILL, by pid) the worker process that is running the task whose key contains key_part."""
    pids = client.run(os.getpid)
    while time.monotonic() < deadline:
        # Give the task a moment to be inside the search, not just scheduled.
        for address, keys in client.processing().items():
            if any(key_part in str(key) for key in keys):
                time.sleep(0.5)
                if any(key_part in str(key) for key in client.processing().get(address, ())):
                    killed["pid"] = pids[address]
                    os.kill(pids[address], signal.SIGKILL)
                    return
        time.sleep(0.05)


def test_worker_killed_mid_run_loses_and_duplicates_nothing(client, tmp_path):
    # Last in the file: it kills one of the shared cluster's workers (its nanny starts a new one).
    # bbhsy-max5-two-hidden runs for seconds: long enough to kill its worker in the middle.
    check_ids = ("bbhsy-max5-two-hidden", "max-two-hidden-n5", "hbdss-mip-n3", "max-two-hidden-published-n6")
    checks = [get_check(check_id) for check_id in check_ids]
    local = [run_check(check, out_dir=tmp_path / "local") for check in checks]
    killed: dict = {}
    killer = threading.Thread(
        target=_kill_worker_running,
        args=(client, "bbhsy-max5-two-hidden", killed, time.monotonic() + 60),
        daemon=True,
    )
    killer.start()
    lines = []
    remote = run_checks(checks, client=client, out_dir=tmp_path / "dask", progress=lines.append)
    killer.join(timeout=5)
    assert "pid" in killed, "the test did not manage to kill a worker while the check ran"
    assert _summary(remote) == _summary(local)
    assert [r.status for r in remote] == ["PASS"] * len(checks)
    assert _certificate_texts(tmp_path / "dask") == _certificate_texts(tmp_path / "local")
    # It was built again, by a process that is not the killed one, and reported once.
    built = [line for line in lines if line.startswith("[1/4] bbhsy-max5-two-hidden: built on ")]
    assert len(built) == 1 and not built[0].split("built on ")[1].split(" ")[0].endswith(f":{killed['pid']}")


def test_the_dask_executor_submits_the_build_step_itself(monkeypatch):
    # One contract: a Dask task is runner.build_check, nothing rebuilt or replayed around it.
    from lincomb.proofs_check.distributed_runner import dask_executor
    from lincomb.proofs_check.runner import build_check

    submitted = []

    class Future:
        def __init__(self, key, value):
            self.key, self.value = key, value

        def result(self):
            return self.value

        def release(self):
            pass

    class RecordingClient:
        def register_plugin(self, plugin):
            pass

        def submit(self, function, check, key, pure):
            submitted.append((function, check.id))
            return Future(key, function(check))

    import distributed

    check = get_check("max-two-hidden-published-n6")
    monkeypatch.setattr(distributed, "as_completed", lambda futures: iter(futures))
    pairs = list(dask_executor(RecordingClient())([check], lambda c, m: None))
    assert submitted == [(build_check, check.id)]
    assert pairs[0][0] is check and not pairs[0][1].finished
