"""Worker processes with per-file deadlines: a worker that overruns is killed (it may be stuck in native code,
where no Python-level timeout reaches) and replaced; an unexpected exception becomes an ``internal-error`` entry."""

from __future__ import annotations

import math
import multiprocessing
import multiprocessing.connection
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kompass_extract.errors import ExtractionTimeoutError, KompassError
from kompass_extract.model import Report

ExtractFn = Callable[..., Report]
INTERNAL_ERROR = KompassError.code
MAX_TASKS_PER_WORKER = 500
"""A worker is replaced after this many files, so that memory a native library might leak is returned.

Measured (bench figures in the issue-18 note): a worker's RSS stays at 70-73 MB over 600 files without
replacement, while starting one costs ~0.45 s of CPU; replacing every 25 files cost 17-18% more worker CPU
(36.7-37.3 s against 31.2-31.5 s for 300 reports), every 500 files costs under 1%."""


def _failure(code: str, message: str, trace: str | None = None) -> dict[str, Any]:
    return {"status": "failed", "error_code": code, "message": message, "traceback": trace}


def run_one(extract_fn: ExtractFn, path: str, options: dict[str, Any]) -> dict[str, Any]:
    """Extract one file into a cache entry; never raises (an unexpected exception becomes ``internal-error``)."""
    start = time.perf_counter()
    try:
        entry = {"status": "ok", "report": extract_fn(path, **options).to_dict()}
    except KompassError as exc:
        entry = _failure(exc.code, str(exc) or exc.code)
    except Exception as exc:
        entry = _failure(INTERNAL_ERROR, f"{type(exc).__name__}: {exc}", traceback.format_exc())
    entry["seconds"] = round(time.perf_counter() - start, 3)
    return entry


def _worker_main(conn: multiprocessing.connection.Connection, extract_fn: ExtractFn, options: dict[str, Any]) -> None:
    """Serve paths from the pipe until told to stop or the parent goes away. Top-level, so spawn can start it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business: it kills the workers
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        try:
            conn.send(run_one(extract_fn, path, options))
        except (BrokenPipeError, OSError):
            return


class _Worker:
    def __init__(self, ctx: Any, extract_fn: ExtractFn, options: dict[str, Any]) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, extract_fn, options), daemon=True)
        self.process.start()
        child.close()
        self.path: str | None = None
        self.deadline = math.inf
        self.tasks = 0

    def assign(self, path: str, timeout: float) -> None:
        self.conn.send(path)
        self.path, self.deadline = path, time.monotonic() + timeout
        self.tasks += 1

    def collect(self) -> dict[str, Any]:
        """The result the worker sent, or an ``internal-error`` when it died without one."""
        try:
            if self.conn.poll():
                return self.conn.recv()
        except (EOFError, OSError):
            pass
        self.process.join(5)
        code = self.process.exitcode
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        return _failure(INTERNAL_ERROR, f"WorkerDied: the worker process ended without a result ({how})")

    def stop(self, graceful: bool) -> None:
        """Ask an idle worker to exit, or kill one that is busy, stuck or timed out."""
        if graceful and self.process.is_alive():
            try:
                self.conn.send(None)
                self.process.join(2)
            except OSError:
                pass
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def run_pool(
    paths: Sequence[str],
    extract_fn: ExtractFn,
    options: dict[str, Any],
    *,
    jobs: int,
    timeout: float,
    on_start: Callable[[str], None] = lambda path: None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (path, cache entry) as files finish, using up to ``jobs`` spawned worker processes.

    Each worker handles one file at a time; one that passes its deadline is killed and replaced, and its
    file becomes a ``timeout`` failure. Leaving the generator early (an exception, Ctrl-C) kills every worker.
    """
    ctx = multiprocessing.get_context("spawn")
    pending = deque(paths)
    workers: list[_Worker] = []
    try:
        while pending or any(w.path for w in workers):
            for worker in [w for w in workers if w.path is None and not w.process.is_alive()]:
                worker.stop(graceful=False)  # an idle worker that died (OOM killer, ...) is replaced
                workers.remove(worker)
            idle = [w for w in workers if w.path is None]
            while pending and (idle or len(workers) < jobs):
                if idle:
                    worker = idle.pop()
                else:
                    worker = _Worker(ctx, extract_fn, options)
                    workers.append(worker)
                path = pending.popleft()
                worker.assign(path, timeout)
                on_start(path)
            busy = [w for w in workers if w.path]
            wait = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = set(
                multiprocessing.connection.wait([w.conn for w in busy] + [w.process.sentinel for w in busy], wait)
            )
            for worker in busy:
                timed_out = False
                if worker.conn in ready or worker.process.sentinel in ready:
                    entry = worker.collect()
                elif time.monotonic() >= worker.deadline:
                    timed_out = True
                    entry = _failure(
                        ExtractionTimeoutError.code, f"no result within {timeout:g} s; the extraction was stopped"
                    )
                else:
                    continue
                path, worker.path = worker.path or "", None
                if timed_out or not worker.process.is_alive() or worker.tasks >= MAX_TASKS_PER_WORKER:
                    worker.stop(graceful=not timed_out)
                    workers.remove(worker)
                yield path, entry
    finally:
        for worker in workers:
            worker.stop(graceful=worker.path is None)
