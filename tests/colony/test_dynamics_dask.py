"""Shards on dask.distributed (actors on a small LocalCluster): the same bits as in one process,
whatever the worker count and shard size."""

from __future__ import annotations

import pytest

from gaemi.colony import colony
from tests.colony._colony_cases import CRASH, population

pytest.importorskip("distributed")


def _strip(s: dict) -> dict:
    s.pop("provenance")
    return s


def test_local_cluster_and_scheduler_give_the_same_numbers():
    from distributed import LocalCluster

    pop = population(n=9000, margin_share=0.2)
    ref = _strip(colony(shock=CRASH, population=pop, seed=4, curve="2").summary())
    two = colony(shock=CRASH, population=pop, seed=4, curve="2", workers=2, shard_size=4096)
    assert two.shards == 3 and two.workers == 2
    assert _strip(two.summary()) == ref
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:
        via = colony(shock=CRASH, population=pop, seed=4, curve="2", scheduler=cluster.scheduler_address,
                     shard_size=8192)
    assert _strip(via.summary()) == ref
