"""Loopback load test of the web app (a benchmark, not a test: nothing asserts timings).

    python benchmarks/bench_web_load.py [--clients 20] [--seconds 60] [--new-share 0.2]
                                        [--paths 512] [--years 2] [--json] [--cold]

Starts the server (uvicorn in a child process on 127.0.0.1, the app's default limits unless
GAEMI_WEB_* says otherwise), waits until ``/api/health`` says ready, answers a few questions once
so they are cached, then runs ``--clients`` concurrent clients for ``--seconds``: each sends
``POST /api/simulate?wait=true`` in a loop, a cached question (same plan, paths, years, seed as
one answered before) or, with probability ``--new-share``, a new one (a fresh seed: a new
simulation of ``--paths`` paths x ``--years`` years). Every answer is checked: 200, state done,
and for a cached question the very numbers of its first answer.

Reports requests served, errors (a non-200, a wrong or changed result, a timeout, a refused
connection: must be 0), refusals (503 with Retry-After: the queue limit, not an error, retried),
p50/p95/max latency for cached and new questions, and the server's peak resident memory (psutil,
sampled every 0.1 s). ``--cold`` first measures a fresh install's time to the first answer: the
server starts on an empty numba cache folder and the clock runs until health says ready and until
the first simulation is answered (the cache folder is removed afterwards).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import httpx
import psutil

PLANS = ["all-in-margin", "tqqq-salary", "safe", "samsung-margin"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, env_extra: dict[str, str]) -> subprocess.Popen:
    code = ("import uvicorn; from gaemi.web.app import create_app; "
            f"uvicorn.run(create_app(), host='127.0.0.1', port={port}, log_level='warning')")
    env = {**os.environ, **env_extra}
    return subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)


def wait_ready(base: str, proc: subprocess.Popen, timeout: float) -> float:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read() if proc.stderr else ''}")
        try:
            h = httpx.get(f"{base}/api/health", timeout=2).json()
            if h.get("ready"):
                return time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server not ready after {timeout:.0f} s")


class MemoryWatch(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                rss = self.proc.memory_info().rss + sum(c.memory_info().rss for c in self.proc.children(True))
            except psutil.Error:
                return
            self.peak = max(self.peak, rss)
            time.sleep(0.1)


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * (len(s) - 1)))))]


def cold_start(args) -> dict:
    """A fresh install's time to the first answer: an empty numba cache folder."""
    folder = tempfile.mkdtemp(prefix="gaemi-cold-numba-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    t0 = time.perf_counter()
    proc = start_server(port, {"NUMBA_CACHE_DIR": folder, "GAEMI_WEB_WARM": "bootstrap"})
    try:
        ready = wait_ready(base, proc, 900)
        body = {"plan": PLANS[0], "paths": args.paths, "years": args.years, "seed": 1}
        r = httpx.post(f"{base}/api/simulate?wait=true", json=body, timeout=900)
        first = time.perf_counter() - t0
        assert r.status_code == 200, r.text
        return {"ready_s": round(ready, 1), "first_answer_s": round(first, 1)}
    finally:
        proc.terminate()
        proc.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--new-share", type=float, default=0.2, help="share of requests that are new simulations")
    ap.add_argument("--paths", type=int, default=512)
    ap.add_argument("--years", type=float, default=2)
    ap.add_argument("--cached", type=int, default=8, help="distinct cached questions")
    ap.add_argument("--cold", action="store_true", help="first measure a fresh install's time to the first answer")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    cold = cold_start(args) if args.cold else None
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    t_start = time.perf_counter()
    proc = start_server(port, {"GAEMI_WEB_WARM": "bootstrap"})
    watch = MemoryWatch(proc.pid)
    watch.start()
    try:
        ready = wait_ready(base, proc, 900)
        client = httpx.Client(base_url=base, timeout=300)
        questions = [{"plan": PLANS[k % len(PLANS)], "paths": args.paths, "years": args.years, "seed": 1000 + k}
                     for k in range(args.cached)]
        reference = {}
        for q in questions:
            r = client.post("/api/simulate?wait=true", json=q)
            r.raise_for_status()
            reference[json.dumps(q, sort_keys=True)] = r.json()["result"]
        warm_s = time.perf_counter() - t_start

        lock = threading.Lock()
        stats = {"cached": [], "new": [], "errors": [], "refused": 0}
        deadline = time.perf_counter() + args.seconds
        seeds = iter(range(10_000_000, 20_000_000))

        def worker(k: int) -> None:
            rng = random.Random(k)
            with httpx.Client(base_url=base, timeout=300) as c:
                while time.perf_counter() < deadline:
                    new = rng.random() < args.new_share
                    if new:
                        with lock:
                            seed = next(seeds)
                        q = {"plan": PLANS[rng.randrange(len(PLANS))], "paths": args.paths, "years": args.years,
                             "seed": seed}
                    else:
                        q = questions[rng.randrange(len(questions))]
                    t0 = time.perf_counter()
                    try:
                        r = c.post("/api/simulate?wait=true", json=q)
                    except httpx.HTTPError as e:
                        with lock:
                            stats["errors"].append(f"{type(e).__name__}: {e}")
                        continue
                    dt = time.perf_counter() - t0
                    if r.status_code == 503 and r.headers.get("retry-after"):
                        with lock:
                            stats["refused"] += 1
                        time.sleep(float(r.headers["retry-after"]))
                        continue
                    ok = r.status_code == 200 and r.json().get("state") == "done"
                    if ok and not new:
                        ok = r.json()["result"] == reference[json.dumps(q, sort_keys=True)]
                    with lock:
                        if ok:
                            stats["new" if new else "cached"].append(dt)
                        else:
                            stats["errors"].append(f"{r.status_code}: {r.text[:200]}")

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(args.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        health = client.get("/api/health").json()
    finally:
        watch.stop.set()
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()

    every = stats["cached"] + stats["new"]
    ms = lambda v: None if v is None else round(v * 1000, 1)  # noqa: E731
    out = {
        "machine": {"cpus": psutil.cpu_count(), "cpu": platform.processor() or platform.machine(),
                    "python": platform.python_version(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1)},
        "command": "python benchmarks/bench_web_load.py " + " ".join(sys.argv[1:]),
        "clients": args.clients, "seconds": round(elapsed, 1), "paths": args.paths, "years": args.years,
        "new_share": args.new_share,
        "server_ready_s": round(ready, 1), "ready_and_cache_filled_s": round(warm_s, 1),
        "requests": len(every), "cached_requests": len(stats["cached"]), "new_requests": len(stats["new"]),
        "requests_per_s": round(len(every) / elapsed, 1), "errors": len(stats["errors"]),
        "error_samples": stats["errors"][:5], "refused_503": stats["refused"],
        "latency_ms": {
            "all": {"p50": ms(pct(every, 0.5)), "p95": ms(pct(every, 0.95)), "max": ms(max(every, default=None))},
            "cached": {"p50": ms(pct(stats["cached"], 0.5)), "p95": ms(pct(stats["cached"], 0.95))},
            "new": {"p50": ms(pct(stats["new"], 0.5)), "p95": ms(pct(stats["new"], 0.95)),
                    "mean": ms(statistics.fmean(stats["new"]) if stats["new"] else None)},
        },
        "peak_server_rss_mb": round(watch.peak / 2**20, 1),
        "server_health_after": health,
        "cold_start": cold,
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return
    lat = out["latency_ms"]
    print(f"{out['requests']:,} requests in {out['seconds']} s ({out['requests_per_s']}/s) from {args.clients} clients: "
          f"{out['cached_requests']:,} cached, {out['new_requests']:,} new ({args.paths} paths x {args.years:g} years)")
    print(f"errors {out['errors']}, refused (503) {out['refused_503']}")
    print(f"latency ms: all p50 {lat['all']['p50']} p95 {lat['all']['p95']} max {lat['all']['max']}; "
          f"cached p50 {lat['cached']['p50']} p95 {lat['cached']['p95']}; new p50 {lat['new']['p50']} "
          f"p95 {lat['new']['p95']}")
    print(f"peak server memory {out['peak_server_rss_mb']} MB; ready after {out['server_ready_s']} s")
    if cold:
        print(f"fresh install: ready after {cold['ready_s']} s, first answer after {cold['first_answer_s']} s")
    if out["errors"]:
        print("error samples:", *out["error_samples"], sep="\n  ")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
