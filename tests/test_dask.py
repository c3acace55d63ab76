"""The Dask task runner on an existing cluster (a LocalCluster of worker processes here)
ingests the inbox into the same outputs as the default process pool."""

from __future__ import annotations

import pytest
from distributed import Client, LocalCluster
from helpers import cut_pdf, outputs_in

from flows.inbox import ingest_inbox

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("prefect_harness")]


def test_dask_runner_matches_the_default_runner(tmp_path, monkeypatch):
    from prefect.settings import PREFECT_API_URL

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    cut_pdf(inbox / "a.pdf", [0, 1])
    cut_pdf(inbox / "b.pdf", [8, 9, 10])

    default = ingest_inbox(str(inbox), str(tmp_path / "default"), nlp=False, workers=2)
    assert not default.failed and len(default.outcomes) == 2

    # Workers of a real cluster get the server's URL from their environment, as here.
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = ingest_inbox(
            str(inbox), str(tmp_path / "dask"), nlp=False, runner="dask", dask_address=cluster.scheduler_address
        )
        with Client(cluster.scheduler_address) as client:
            executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
    assert sum(executed.values()) == 2  # both files ran on the cluster's workers

    assert [(o.file, o.status, o.pages, o.tables) for o in on_dask.outcomes] == [
        (o.file, o.status, o.pages, o.tables) for o in default.outcomes
    ]
    made_by_default, made_on_dask = outputs_in(tmp_path / "default"), outputs_in(tmp_path / "dask")
    assert sorted(made_on_dask) == sorted(made_by_default) == ["a.json", "b.json"]
    for name, path in made_by_default.items():
        assert made_on_dask[name].read_bytes() == path.read_bytes()
