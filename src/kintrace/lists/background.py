"""Long jobs (imports and match runs of big lists, release builds): in a thread of the web
process, or in the command line's own process — and honest about being alive.

A job's row (PersonList for an import, MatchRun for a match, releases.Release for a release
build: every model with the JobFields columns) names the process running it
(host, boot id, pid and the process's start time) and carries a heartbeat that a small thread
refreshes while the job runs. `job_alive` reads those back: a job whose process is gone (a
kill -9, a crash, a reboot) or whose heartbeat is older than KINTRACE_JOB_STALE_SECONDS is
stale, and kintrace.lists.services.jobs (kintrace.releases.services for releases) marks it
failed. The thread gets its own database
connection and closes it when done; progress and the outcome are written to the job's row,
which the page polls by refreshing itself.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

import psutil
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from kintrace.lists.models import JobFields

log = logging.getLogger(__name__)

# The rows of long jobs (PersonList, MatchRun, Release: the JobFields columns and a status)
Job = JobFields

# The heartbeat thread writes this often; a job is stale when its heartbeat is older than
# KINTRACE_JOB_STALE_SECONDS (settings; 120 by default), several beats missed.
HEARTBEAT_SECONDS = 15

# The jobs running in this process, as (model label, pk): a row naming this very process
# but not in here belongs to an earlier process that had the same pid.
_LOCAL: set[tuple[str, int]] = set()
_LOCAL_LOCK = threading.Lock()


class JobCancelled(Exception):
    """Cancel was pressed (or the job was marked failed meanwhile): stop and clean up."""


def stale_after() -> timedelta:
    return timedelta(seconds=settings.KINTRACE_JOB_STALE_SECONDS)


def _boot_id() -> str:
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as f:
            return f.read().strip()
    except OSError:  # not Linux: the boot time says the same
        return f"boot-{int(psutil.boot_time())}"


def identity() -> dict:
    """This process as a job's row records it: worker_host, worker_boot, worker_pid,
    worker_start (the process's start time, seconds since the epoch)."""
    me = psutil.Process()
    return {
        "worker_host": socket.gethostname()[:255],
        "worker_boot": _boot_id(),
        "worker_pid": me.pid,
        "worker_start": me.create_time(),
    }


def _key(obj_or_model, pk: int) -> tuple[str, int]:
    return (obj_or_model._meta.label_lower, int(pk))


def job_alive(job: Job, *, now: datetime | None = None) -> bool:
    """Whether the process named in a queued/running job's row still runs it.

    False when the heartbeat is older than the limit, when the job was started on this host
    in this boot by a process that is gone (or is another process that reused the pid), or
    by this very process but no thread of it runs the job. A job on another host is judged
    by its heartbeat alone."""
    now = now or timezone.now()
    if job.heartbeat_at is None or now - job.heartbeat_at > stale_after():
        return False
    me = identity()
    if job.worker_host != me["worker_host"] or job.worker_pid is None:
        return True
    if job.worker_boot != me["worker_boot"]:
        return False
    if job.worker_pid == me["worker_pid"]:
        with _LOCAL_LOCK:
            return _key(job, job.pk) in _LOCAL
    try:
        proc = psutil.Process(job.worker_pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        return job.worker_start is None or abs(proc.create_time() - job.worker_start) < 1.0
    except psutil.Error:  # no such process (or not ours to look at: then it is not ours)
        return False


def claim(model: type[Job], pk: int) -> None:
    """This process is about to run the job (in a thread it is starting, or inline): from now
    on `job_alive` counts it as running here."""
    with _LOCAL_LOCK:
        _LOCAL.add(_key(model, pk))


def release(model: type[Job], pk: int) -> None:
    with _LOCAL_LOCK:
        _LOCAL.discard(_key(model, pk))


class Running:
    """A job's life in this process: registered as local, its row's heartbeat refreshed by a
    thread, and a way to ask whether to stop (`check`)."""

    def __init__(self, model: type[Job], pk: int, *, status: str = "running"):
        self.model, self.pk, self.status = model, pk, status
        self.key = _key(model, pk)
        self._stop = threading.Event()
        self._cancelled = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self, **fields) -> None:
        """Refresh the heartbeat now (with any other fields, e.g. progress), from the job's
        own thread; raises JobCancelled if Cancel was pressed or the job is no longer running
        (marked failed as stale while it was in fact only slow)."""
        self.check()
        if not self._mine().update(heartbeat_at=timezone.now(), **fields):
            self._cancelled.set()
            raise JobCancelled

    def _mine(self):
        # Every job model has a status column; JobFields (abstract) does not declare it.
        mine = {"pk": self.pk, "status": self.status, "cancel_requested": False}
        return self.model._default_manager.filter(**mine)

    def check(self) -> None:
        if self._cancelled.is_set():
            raise JobCancelled

    def _beating(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                if not self._mine().update(heartbeat_at=timezone.now()):
                    self._cancelled.set()
        except Exception:
            log.exception("heartbeat of %s %s", *self.key)
        finally:
            connection.close()

    def __enter__(self) -> Running:
        with _LOCAL_LOCK:
            _LOCAL.add(self.key)
        self._thread = threading.Thread(
            target=self._beating, daemon=True, name=f"heartbeat-{self.key[0]}-{self.pk}"
        )
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(HEARTBEAT_SECONDS + 30)
        with _LOCAL_LOCK:
            _LOCAL.discard(self.key)


@contextlib.contextmanager
def sigterm_exits() -> Iterator[None]:
    """In the main thread (the command line), SIGTERM raises SystemExit instead of ending the
    process at once, so the job's cleanup runs: its rows are deleted, its row marked failed
    and its worker processes shut down. Elsewhere (a thread of the web server) a no-op: the
    server's own handling applies, and a job it leaves behind is found stale."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def start(name: str, job: Callable[[], object]) -> threading.Thread:
    """Run job() in a daemon thread; objects it needs must be loaded inside it by id."""

    def run() -> None:
        close_old_connections()
        try:
            job()
        except Exception:
            log.exception("background job %s failed", name)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
