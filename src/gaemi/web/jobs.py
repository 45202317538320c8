"""Jobs: work off the event loop, in a bounded pool, with progress and a result cache.

``JobManager.submit(kind, params)`` returns a job id at once. The work (a *runner* for the kind,
see :mod:`gaemi.web.runs`) runs in a thread pool of ``max_concurrent_jobs`` threads (one by
default: a simulation already uses every core through numba, whose kernels release the GIL, so
the event loop keeps answering); at most ``max_queued_jobs`` jobs wait for a thread, and one more
is refused with :class:`QueueFull` naming the limit (the API answers 503 with ``Retry-After``).

The cache is keyed by the kind and the canonical JSON of the parameters (the validated plan as
JSON with sorted keys, model, paths, years, seed, scenario, ...): the same question, asked again
while it runs or after it finished, gets the same job and so the same numbers at once. Finished
jobs are kept in least-recently-used order within ``cache_mb`` megabytes and ``max_jobs_kept``
jobs; an evicted id is answered 404 like an unknown one.

Runners are called as ``runner(params, progress)`` and return ``(payload, objects)``: the JSON
answer (the same dict as the CLI's ``--json``) and the library's result objects (kept for the
HTML report). ``progress(fraction)`` takes 0..1.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
import json
import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable

from gaemi.errors import ConfigError, GaemiError
from gaemi.web.settings import WebSettings

log = logging.getLogger("gaemi.web")

Runner = Callable[[dict, Callable[[float], None]], "tuple[dict, Any]"]
STATES = ("queued", "running", "done", "error")


class QueueFull(GaemiError):
    """More jobs are waiting than ``max_queued_jobs`` allows."""

    def __init__(self, limit: int, var: str) -> None:
        self.field = "queue"
        self.value = limit
        self.allowed = (f"at most {limit:,} jobs waiting (the limit of this server; raise it with {var}=N); "
                        "try again in a few seconds")
        super().__init__(f"queue: full; allowed: {self.allowed}")


class UnknownJob(GaemiError):
    def __init__(self, job_id: str) -> None:
        self.field = "job_id"
        self.value = job_id if isinstance(job_id, str) and len(job_id) <= 64 else "..."
        self.allowed = "the id of a job this server ran recently (ids expire when the cache is full)"
        super().__init__(f"job_id: got {self.value!r}; allowed: {self.allowed}")


def _default(obj: Any) -> Any:
    """JSON for the cache key: pydantic models as their JSON dump, numpy numbers as numbers."""
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"not JSON: {type(obj).__name__}")


def canonical(kind: str, params: dict) -> str:
    """The canonical JSON of a question: sorted keys, no spaces, models dumped as JSON."""
    return json.dumps({"kind": kind, "params": params}, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False, default=_default, allow_nan=True)


def cache_key(kind: str, params: dict) -> str:
    return hashlib.sha256(canonical(kind, params).encode("utf-8")).hexdigest()


def json_safe(payload: Any) -> Any:
    """The payload exactly as the CLI prints it and parses back: NaN/inf -> null, numpy -> Python,
    anything else by ``str`` (``gaemi.results.simulation._clean`` + ``json.dumps(default=str)``)."""
    from gaemi.results.simulation import _clean

    return json.loads(json.dumps(_clean(payload), ensure_ascii=False, default=str))


def short_value(value: Any) -> Any:
    """A value as an error shows it: JSON-able, at most ~200 characters (a 400-digit number or a
    60 kB string is not echoed back whole), NaN and infinity as text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) < 10**18:
            return value
        digits = len(str(abs(value))) if abs(value) < 10**4000 else None
        return f"a {digits:,}-digit number" if digits else "a number with over 4,000 digits"
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else str(value).replace(
            "nan", "NaN")
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, (list, tuple)):
        return "[...]"
    text = value if isinstance(value, str) else str(value)
    return text if len(text) <= 200 else text[:200] + "..."


def error_dict(err: BaseException) -> dict[str, Any]:
    """``{"field", "value", "allowed", "message"}`` of a GaemiError (the CLI's JSON error)."""
    value = short_value(getattr(err, "value", None))
    allowed = getattr(err, "allowed", None)
    field = getattr(err, "field", None)
    if field is not None and allowed is not None:
        message = f"{field}: got {value!r}; allowed: {allowed}"
    else:
        message = str(err)
    message = " ".join(message.split())
    return {"field": field, "value": value, "allowed": None if allowed is None else str(allowed),
            "message": message if len(message) <= 2000 else message[:2000] + "..."}


def _nbytes(obj: Any, seen: set[int] | None = None) -> int:
    """Approximate memory held by result objects (their numpy arrays), for the cache budget."""
    import numpy as np

    seen = set() if seen is None else seen
    if id(obj) in seen or obj is None or isinstance(obj, (str, int, float, bool)):
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return int(obj.nbytes)
    if isinstance(obj, (list, tuple)):
        return sum(_nbytes(x, seen) for x in obj)
    if isinstance(obj, dict):
        return sum(_nbytes(x, seen) for x in obj.values())
    total = 0
    raw = getattr(obj, "raw", None)
    if raw is not None:
        total += sum(int(getattr(raw, a).nbytes) for a in ("floats", "ints", "month_wealth") if hasattr(raw, a))
    mq = getattr(obj, "month_quantiles", None)
    if mq is not None and hasattr(mq, "memory_usage"):
        total += int(mq.memory_usage(deep=False).sum())
    return total + 4096


@dataclass
class Job:
    id: str
    kind: str
    key: str
    params: dict
    state: str = "queued"
    progress: float = 0.0
    result: dict | None = None
    error: dict | None = None
    internal_error: bool = False
    objects: Any = None
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    nbytes: int = 0
    future: concurrent.futures.Future | None = None
    meta: dict = field(default_factory=dict)

    def status(self) -> dict[str, Any]:
        seconds = None
        if self.started is not None:
            seconds = round((self.finished or time.time()) - self.started, 3)
        return {"id": self.id, "kind": self.kind, "state": self.state, "progress": round(self.progress, 4),
                "result": self.result, "error": self.error, "seconds": seconds, **self.meta}


class JobManager:
    """Submit work, read its status, wait for it; bounded pool, bounded queue, result cache."""

    def __init__(self, settings: WebSettings | None = None,
                 runners: dict[str, Runner] | None = None) -> None:
        if runners is None:
            from gaemi.web.runs import RUNNERS

            runners = RUNNERS
        self.settings = settings or WebSettings.from_env()
        self.runners = dict(runners)
        self._pool = concurrent.futures.ThreadPoolExecutor(self.settings.max_concurrent_jobs,
                                                           thread_name_prefix="gaemi-job")
        self._lock = threading.RLock()
        self._jobs: "OrderedDict[str, Job]" = OrderedDict()  # finished ones in LRU order at the end
        self._by_key: dict[str, str] = {}
        self._queued = 0
        self._bytes = 0
        self.stats = {"submitted": 0, "cache_hits": 0, "refused": 0, "done": 0, "errors": 0}

    # ------------------------------------------------------------------ submit / read
    def submit(self, kind: str, params: dict, meta: dict | None = None) -> str:
        """A job id for ``kind`` on ``params``: a cached or running job's id when the same question
        was asked, else a new queued job. :class:`QueueFull` when the queue is full."""
        if kind not in self.runners:
            raise ConfigError("kind", kind, "one of " + ", ".join(self.runners))
        key = cache_key(kind, params)
        with self._lock:
            self.stats["submitted"] += 1
            known = self._by_key.get(key)
            if known is not None and known in self._jobs and self._jobs[known].state != "error":
                self._jobs.move_to_end(known)
                self.stats["cache_hits"] += 1
                return known
            limit = self.settings.max_queued_jobs
            if self._queued >= limit:
                self.stats["refused"] += 1
                raise QueueFull(limit, self.settings.env_var("max_queued_jobs"))
            job = Job(id=secrets.token_urlsafe(12), kind=kind, key=key, params=params, meta=dict(meta or {}))
            self._jobs[job.id] = job
            self._by_key[key] = job.id
            self._queued += 1
            job.future = self._pool.submit(self._run, job)
            return job.id

    def get(self, job_id: str) -> Job:
        with self._lock:
            job = self._jobs.get(job_id) if isinstance(job_id, str) else None
            if job is None:
                raise UnknownJob(job_id)
            if job.state in ("done", "error"):
                self._jobs.move_to_end(job_id)
            return job

    def status(self, job_id: str) -> dict[str, Any]:
        return self.get(job_id).status()

    async def wait(self, job_id: str, timeout: float | None = None) -> Job:
        """The job once finished, or as it is after ``timeout`` seconds (default: wait_seconds)."""
        job = self.get(job_id)
        fut = job.future
        if fut is not None and not fut.done():
            try:
                await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)),
                                       self.settings.wait_seconds if timeout is None else timeout)
            except asyncio.TimeoutError:
                pass
        return job

    def counts(self) -> dict[str, int]:
        with self._lock:
            by = {s: 0 for s in STATES}
            for j in self._jobs.values():
                by[j.state] += 1
            return {**by, "cache_bytes": self._bytes, **self.stats}

    def shutdown(self, wait: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)

    # ------------------------------------------------------------------ work
    def _run(self, job: Job) -> None:
        with self._lock:
            self._queued -= 1
            job.state = "running"
            job.started = time.time()

        def progress(fraction: float) -> None:
            try:
                f = float(fraction)
            except (TypeError, ValueError):
                return
            if f == f:  # monotonic, and 1 only when done
                job.progress = max(job.progress, min(0.99, max(0.0, f)))

        try:
            payload, objects = self.runners[job.kind](job.params, progress)
            result = json_safe(payload)
        except GaemiError as err:
            self._finish(job, error=error_dict(err))
        except MemoryError:
            log.exception("job %s (%s) ran out of memory", job.id, job.kind)
            self._finish(job, error={"field": None, "value": None, "allowed": None,
                                     "message": "the server ran out of memory for this job; ask for fewer paths"},
                         internal=True)
        except Exception as err:  # a bug: logged with its traceback, answered as an internal error
            log.exception("job %s (%s) failed", job.id, job.kind)
            self._finish(job, error={"field": None, "value": None, "allowed": None,
                                     "message": f"internal error ({type(err).__name__}); see the server log"},
                         internal=True)
        else:
            self._finish(job, result=result, objects=objects)

    def _finish(self, job: Job, result: dict | None = None, objects: Any = None, error: dict | None = None,
                internal: bool = False) -> None:
        with self._lock:
            job.finished = time.time()
            if error is not None:
                job.error, job.internal_error, job.state = error, internal, "error"
                self.stats["errors"] += 1
                if self._by_key.get(job.key) == job.id:
                    del self._by_key[job.key]  # an error is not cached: asking again runs again
            else:
                job.result, job.objects = result, objects
                job.nbytes = _nbytes(objects) + len(json.dumps(result))
                self._bytes += job.nbytes
                job.progress, job.state = 1.0, "done"
                self.stats["done"] += 1
            self._jobs.move_to_end(job.id)
            self._evict()

    def _evict(self) -> None:
        """Drop the least recently used finished jobs beyond the memory and count budgets."""
        budget = self.settings.cache_mb * 1024 * 1024
        finished = [j for j in self._jobs.values() if j.state in ("done", "error")]
        # the most recently used finished job is always kept (it was just asked for)
        n = len(finished)
        for j in finished[:-1]:
            if self._bytes <= budget and n <= self.settings.max_jobs_kept:
                break
            self._drop(j)
            n -= 1

    def _drop(self, j: Job) -> None:
        self._jobs.pop(j.id, None)
        self._bytes -= j.nbytes
        if self._by_key.get(j.key) == j.id:
            del self._by_key[j.key]
