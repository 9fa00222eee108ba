"""Worker processes with per-file deadlines and resource limits.

A worker that overruns is killed (it may be stuck in native code, where no Python-level timeout reaches) and
replaced; an unexpected exception becomes an ``internal-error`` entry. Each worker:

* opens, hashes and reads its file itself, once, under the deadline (:func:`read_input`): a FIFO, a device or
  a huge file can then cost at most one timeout, and the hash that keys the cache is that of the bytes parsed;
* leads its own process group, so that killing it also kills the programs it started (a hung tesseract), and
  a Ctrl-C in the terminal reaches only the parent, which then stops the workers (no worker tracebacks);
* runs under an address-space limit (``RLIMIT_AS``), so that a small file that inflates to gigabytes ends as
  a ``too-large`` failure instead of taking the machine.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kompass_extract.batch.cache import Cache, worth_keeping
from kompass_extract.batch.results import ReportSummary
from kompass_extract.common.files import DEFAULT_MAX_MEMORY_MB, read_input
from kompass_extract.errors import ExtractionTimeoutError, KompassError, TooLargeError
from kompass_extract.model import Report

_CRASHES = {signal.SIGSEGV, signal.SIGABRT, signal.SIGBUS, signal.SIGILL, signal.SIGFPE}
"""Signals a crash in native code ends a worker with."""

if TYPE_CHECKING:
    from kompass_extract.read.ocr.pages import OcrProgress, ProgressHook

ExtractFn = Callable[..., Report]
INTERNAL_ERROR = KompassError.code
MAX_TASKS_PER_WORKER = 500
"""A worker is replaced after this many files, so that memory a native library might leak is returned.

Measured (bench figures in the issue-18 note): a worker's RSS stays at 70-73 MB over 600 files without
replacement, while starting one costs ~0.45 s of CPU; replacing every 25 files cost 17-18% more worker CPU
(36.7-37.3 s against 31.2-31.5 s for 300 reports), every 500 files costs under 1%."""
FILE_SHARE_OF_MEMORY = 8
"""A file larger than this share of the memory budget is refused before it is read."""
M_ARENA_MAX = -8
"""glibc's mallopt parameter number for the count of malloc arenas."""


@dataclass(frozen=True)
class Job:
    """What every worker needs: picklable, since workers are spawned."""

    extract_fn: ExtractFn
    options: Mapping[str, Any]
    """Keyword arguments of ``extract_fn`` (besides the path and the bytes)."""
    cache: Cache | None = None
    """Where results are kept. A worker stores what it converted there itself, so that encoding a report (~5 ms)
    runs in the workers, beside each other, not in the one parent that publishes every report; and, with ``reuse``,
    first looks up the hash it computed (a file seen before under another name or stat)."""
    cache_options: Mapping[str, Any] = field(default_factory=dict)
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB
    reuse: bool = True
    """Serve a result from the cache when it holds one (off with --force: every file converted again)."""

    @property
    def max_file_bytes(self) -> int:
        return (self.max_memory_mb or DEFAULT_MAX_MEMORY_MB) * (1 << 20) // FILE_SHARE_OF_MEMORY


def _failure(code: str, message: str, trace: str | None = None) -> dict[str, Any]:
    return {"status": "failed", "error_code": code, "message": message, "traceback": trace}


def run_one(
    job: Job, path: str, on_read: Callable[[str], None] = lambda sha: None, ocr_progress: ProgressHook | None = None
) -> dict[str, Any]:
    """Read, hash and extract one file into a cache entry; never raises.

    The entry carries the ``sha256`` of the bytes that were parsed and the file's ``signature`` (when it did
    not change while read); an unexpected exception becomes ``internal-error``, exhausted memory ``too-large``.
    ``on_read`` gets the hash as soon as it is known, so that a file that then times out is still identified;
    ``ocr_progress`` is the pipeline's OCR page hook. A report that is in the job's cache (stored here, see
    :func:`_stored`) comes as its ``summary``, which is all the parent keeps of it until it publishes the report
    from the cache.
    """
    start = time.perf_counter()
    _reset_peak_memory()
    sha = sig = report = None
    try:
        read = read_input(path, job.max_file_bytes)
        sha, sig = read.sha256, read.signature
        on_read(sha)
        cached = job.cache.get(sha, job.cache_options) if job.cache is not None and job.reuse else None
        if cached is not None:
            entry = {**cached, "cached": True}
        else:
            report = job.extract_fn(path, data=read.data, sha256=sha, **job.options, ocr_progress=ocr_progress)
            entry = {"status": "ok", "report": report.to_dict()}
        del read
    except KompassError as exc:
        entry = _failure(exc.code, str(exc) or exc.code)
    except MemoryError:
        limit = f"{job.max_memory_mb} MB" if job.max_memory_mb else "the memory available"
        entry = _failure(TooLargeError.code, f"the file needs more memory than {limit} (see --max-memory)")
    except Exception as exc:
        entry = _failure(INTERNAL_ERROR, f"{type(exc).__name__}: {exc}", traceback.format_exc())
    if not entry.get("cached"):
        entry["seconds"] = round(time.perf_counter() - start, 3)
    entry.update(sha256=sha, signature=sig, peak_rss_mb=_peak_memory_mb())
    if _stored(job, entry) and entry["status"] == "ok":
        entry["summary"] = ReportSummary.of(report or Report.from_dict(entry["report"]))
        del entry["report"]
    return entry


def _stored(job: Job, entry: dict[str, Any]) -> bool:
    """The entry is in the job's cache: it came from there, or it is stored now (marked ``stored``). An entry that
    cannot be written (a full disk) is left to the parent, which stores it or says why it cannot."""
    if entry.get("cached"):
        return True
    if job.cache is None or entry["sha256"] is None or not worth_keeping(entry):
        return False
    try:
        job.cache.put(entry["sha256"], job.cache_options, entry)
    except OSError:
        return False
    entry["stored"] = True
    return True


def _reset_peak_memory() -> None:
    """Start a new peak-RSS measurement for this process (Linux: writing 5 to clear_refs resets VmHWM)."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def _peak_memory_mb() -> float | None:
    """Peak resident memory of this process since :func:`_reset_peak_memory`, in MB (None off Linux)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def _limit_memory(max_memory_mb: int | None) -> None:
    if not max_memory_mb:
        return
    import resource

    limit = max_memory_mb * (1 << 20)
    with contextlib.suppress(ValueError, OSError):  # a lower hard limit set by the user's shell stays
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    with contextlib.suppress(OSError, AttributeError):  # glibc reserves 64 MB of address space per thread arena
        ctypes.CDLL(None).mallopt(M_ARENA_MAX, 2)


def _worker_main(conn: multiprocessing.connection.Connection, job: Job) -> None:
    """Serve paths from the pipe until told to stop or the parent goes away. Top-level, so spawn can start it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business: it kills the workers
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)  # a group of its own: killing it kills its tesseract too
    _limit_memory(job.max_memory_mb)
    from kompass_extract.read.ocr.tesseract import read_in_this_process

    read_in_this_process()  # this worker is the isolation: no helper process for Tesseract's library
    lock = threading.Lock()  # OCR reports pages from threads: one message at a time on the pipe

    def send(message: dict[str, Any]) -> None:
        with lock:
            conn.send(message)

    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        if path is None:
            return
        try:
            send(run_one(job, path, lambda sha: send({"read": sha}), _page_sender(send)))
        except (BrokenPipeError, OSError):
            return


def _page_sender(send: Callable[[dict[str, Any]], None]) -> ProgressHook:
    """An OCR progress hook that tells the parent which page is being read (``{"page": text}``), for its display."""
    seen = {"done": 0}

    def hook(p: OcrProgress) -> None:
        seen["done"] = max(seen["done"], p.done)
        with contextlib.suppress(OSError):
            send({"page": f"OCR page {p.page}, {seen['done']}/{p.total} done"})

    return hook


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while a worker is spawned: the child inherits the ignored disposition across exec, from its
    first instruction, so a Ctrl-C during its start-up (its imports take a second) cannot print a
    KeyboardInterrupt traceback from inside it.

    A Ctrl-C that lands in the parent during these few milliseconds is lost (blocking it instead does not help:
    another thread of the parent, e.g. the progress bar's, takes the signal and drops it); pressing it again works.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class _Worker:
    def __init__(self, ctx: Any, job: Job) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, job), daemon=True)
        with _sigint_ignored():
            self.process.start()
        child.close()
        self.max_memory_mb = job.max_memory_mb
        self.path: str | None = None
        self.sha256: str | None = None
        """The hash of the file being converted, once the worker has read it."""
        self.deadline = math.inf
        self.timeout = math.inf
        self.tasks = 0
        self.note: str | None = None
        """The last OCR progress note of the file being converted ("OCR page 7, 2/21 done")."""

    def assign(self, path: str, timeout: float) -> None:
        self.conn.send(path)
        self.path, self.sha256, self.note = path, None, None
        self.timeout, self.deadline = timeout, time.monotonic() + timeout
        self.tasks += 1

    def collect(self, on_page: Callable[[str, str], None]) -> dict[str, Any] | None:
        """The result the worker sent, None while it sent only notes (it has read the file; the page it OCRs), or
        an ``internal-error`` when it died without a result."""
        try:
            while self.conn.poll():
                message = self.conn.recv()
                if "read" in message:
                    self.sha256 = message["read"]
                elif "page" in message:
                    self.note = message["page"]
                    self.deadline = time.monotonic() + self.timeout  # an OCR'd page is progress, not a hang
                    on_page(self.path or "", message["page"])
                else:
                    return message
            if self.process.is_alive():
                return None
        except (EOFError, OSError):
            pass
        self.process.join(5)
        code = self.process.exitcode
        where = f" after {self.note}" if self.note else ""  # OCR progress: in native code reading a page?
        hint = ""
        if self.note and code is not None and -code in _CRASHES:
            from kompass_extract.read.ocr.tesseract import ENGINE_VARIABLE  # only now: the parent does no OCR

            hint = f"; if it was Tesseract's library, {ENGINE_VARIABLE}=binary runs Tesseract in a process of its own"
        if code == -signal.SIGABRT and self.max_memory_mb:  # native code (pdfium) aborts when malloc fails
            message = (
                f"the worker stopped (SIGABRT){where}, out of its {self.max_memory_mb} MB of memory (see --max-memory)"
            )
            return {**_failure(TooLargeError.code, message + hint), "sha256": self.sha256}
        how = f"signal {-code}" if code is not None and code < 0 else f"exit code {code}"
        message = f"WorkerDied: the worker process ended without a result ({how}){where}{hint}"
        return {**_failure(INTERNAL_ERROR, message), "sha256": self.sha256}

    def stop(self, graceful: bool) -> None:
        """Ask an idle worker to exit, or kill one that is busy, stuck or timed out."""
        if graceful and self.process.is_alive():
            try:
                self.conn.send(None)
                self.process.join(2)
            except OSError:
                pass
        if self.process.is_alive():
            self.kill()
        self.conn.close()

    def kill(self) -> None:
        """Kill the worker's whole process group (its tesseract too), or the worker alone if it has no group yet."""
        pid = self.process.pid
        try:
            if pid is not None and os.getpgid(pid) == pid:
                os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        self.process.kill()
        self.process.join()


def run_pool(
    paths: Sequence[str],
    job: Job,
    *,
    jobs: int,
    timeout: float,
    on_start: Callable[[str], None] = lambda path: None,
    on_page: Callable[[str, str], None] = lambda path, text: None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (path, cache entry) as files finish, using up to ``jobs`` spawned worker processes.

    ``on_page(path, text)`` hears of each page a worker OCRs ("OCR page 7, 3/21 done"), for a progress display.

    Each worker handles one file at a time; one that passes its deadline is killed and replaced, and its
    file becomes a ``timeout`` failure. The deadline is ``timeout`` seconds after the file was assigned or after
    the last OCR page note: a long scan that reads page after page is slow, not stuck, and a fixed limit per file
    failed every scan of more than about 300 s / 2.5 s = 120 pages (fewer on a loaded machine), while one hung
    page (or a FIFO that never delivers) still ends after ``timeout`` seconds. Leaving the generator early (an exception, Ctrl-C) kills every worker.
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
                    worker = _Worker(ctx, job)
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
                entry = None
                if worker.conn in ready or worker.process.sentinel in ready:
                    entry = worker.collect(on_page)  # None: only notes so far, the result follows
                if entry is None:
                    if time.monotonic() < worker.deadline:
                        continue
                    timed_out = True
                    message = f"no result and no progress for {timeout:g} s; the extraction was stopped"
                    entry = {**_failure(ExtractionTimeoutError.code, message), "sha256": worker.sha256}
                path, worker.path = worker.path or "", None
                spent = entry.get("error_code") == TooLargeError.code  # memory may be fragmented or leaked
                if timed_out or spent or not worker.process.is_alive() or worker.tasks >= MAX_TASKS_PER_WORKER:
                    worker.stop(graceful=not timed_out)
                    workers.remove(worker)
                yield path, entry
    finally:
        for worker in workers:
            worker.stop(graceful=worker.path is None)
