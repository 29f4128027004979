"""Background jobs: long imports and exports leave the request, report progress, and can be cancelled.

A kind of job is a function registered once::

    @kind("export", source=Source.JOB)
    def export(job, progress): ...          # returns the result metadata (a dict)

    job = start("export", user, title, params)   # queued; runs once the request's transaction commits

``progress(done, total)`` is called between chunks: it records the progress and a heartbeat, and
raises ``Cancelled`` when the user asked to stop. A kind marked ``atomic`` runs in one transaction
together with the job's own "done": a cancelled, failed or killed run writes nothing, and a finished
one cannot run twice.

Jobs run on Celery workers when ``JOBS_BACKEND`` is "celery" (REDIS_URL set), otherwise on a few
threads of the web process, so ``make run`` needs nothing else. A worker that dies leaves its job
"running" with a heartbeat that grows old; ``sweep`` (Celery beat, or a timer thread in-process)
queues it again, up to ``JOBS_MAX_ATTEMPTS`` runs, then fails it with a message that says so.

Progress, heartbeat and the cancel request go through the cache as well as the job's row: during
an atomic job the row cannot be written from outside its transaction (SQLite has one writer) and
would not be seen (PostgreSQL shows it only on commit). The cache is Redis with Celery, and the
process's own memory with threads, so the web side sees what the worker reports either way.
"""

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .context import change_context, current
from .imports import StoredUpload
from .models import Job, Notification

logger = logging.getLogger(__name__)
Status = Job.Status
KINDS = {}


class Cancelled(Exception):
    """Raised inside a job between chunks once its user asked to cancel it."""


class JobError(Exception):
    """A job cannot go on, for a reason the user can read and act on."""


@dataclass(frozen=True)
class Kind:
    name: str
    run: object
    source: str
    atomic: bool


def kind(name, source, atomic=False):
    def register(function):
        KINDS[name] = Kind(name, function, source, atomic)
        return function

    return register


def start(kind_name, user, title, params=None):
    """Queue a job for the user; it is handed to a worker once the current transaction commits."""
    job = Job.objects.create(
        kind=kind_name,
        user=user,
        title=title[:200],
        params={"language": translation.get_language() or settings.LANGUAGE_CODE, **(params or {})},
        request_id=current().request_id,
    )
    transaction.on_commit(lambda: submit(job.pk))
    return job


def submit(job_id):
    if settings.JOBS_BACKEND == "celery":
        from .tasks import run_job

        return run_job.delay(job_id)
    return threads.submit(job_id)


# --- cache keys: what the web side reads while a job runs -------------------------------------


def _progress_key(job_id):
    return f"job:{job_id}:progress"


def _cancel_key(job_id):
    return f"job:{job_id}:cancel"


def live(job):
    """The job with the progress and heartbeat its worker last reported, which may be newer than its row."""
    reported = cache.get(_progress_key(job.pk))
    if reported and job.status == Status.RUNNING and reported["attempt"] == job.attempts:
        job.done, job.total = reported["done"], reported["total"]
        heartbeat = datetime.fromtimestamp(reported["heartbeat"], tz=UTC)
        if job.heartbeat is None or heartbeat > job.heartbeat:
            job.heartbeat = heartbeat
    job.cancelling = job.status in (Status.QUEUED, Status.RUNNING) and bool(cache.get(_cancel_key(job.pk)))
    return job


def is_lost(job, now=None):
    """Whether no worker has the job: running with a stale heartbeat (its worker died), or, with the
    thread runner, queued for longer than that (its thread went with a restarted process; a Celery
    broker keeps its queued jobs)."""
    now = now or timezone.now()
    if job.status == Status.RUNNING:
        return is_stale(job, now)
    limit = now - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    return job.status == Status.QUEUED and settings.JOBS_BACKEND == "thread" and job.created < limit


def hand_on_if_lost(job):
    """A job its user is looking at that no worker has is handed on now, not at the next sweep.
    Returns whether it was (its row may have changed since)."""
    if is_lost(job):
        submit(job.pk)
        return True
    return False


def seconds_left(job, now=None):
    """The time left, estimated from the pace so far; None until there is a pace to go by."""
    if job.status != Status.RUNNING or not job.total or not job.done or job.started is None:
        return None
    elapsed = ((now or timezone.now()) - job.started).total_seconds()
    return max(0, round(elapsed / job.done * (job.total - job.done)))


def is_stale(job, now=None):
    live(job)
    limit = (now or timezone.now()) - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    return job.heartbeat is None or job.heartbeat < limit


class Progress:
    """Called by a job between chunks: records rows done (at most once a second) and checks for cancel."""

    interval = 1.0

    def __init__(self, job):
        self.job = job
        self.reported = 0.0

    def __call__(self, done, total=None):
        job = self.job
        job.done = done
        if total is not None:
            job.total = total
        if cache.get(_cancel_key(job.pk)):
            raise Cancelled
        if time.monotonic() - self.reported >= self.interval:
            self.report()

    def report(self):
        job = self.job
        self.reported = time.monotonic()
        job.heartbeat = timezone.now()
        state = {"done": job.done, "total": job.total, "heartbeat": job.heartbeat.timestamp()}
        cache.set(_progress_key(job.pk), {**state, "attempt": job.attempts}, timeout=settings.JOBS_KEEP_SECONDS)
        # The row too, where that is free: not inside the job's own transaction, and not on SQLite,
        # whose single write lock a report must not wait for. The cache is read first anyway.
        if not connection.in_atomic_block and connection.vendor != "sqlite":
            Job.objects.filter(pk=job.pk).update(done=job.done, total=job.total, heartbeat=job.heartbeat)


def cancel(job):
    """Cancel a queued job at once; ask a running one to stop at its next chunk."""
    if job.status == Status.QUEUED and _finish_if(job, Q(status=Status.QUEUED), Status.CANCELLED):
        return
    if job.status in (Status.QUEUED, Status.RUNNING):
        cache.set(_cancel_key(job.pk), True, timeout=settings.JOBS_KEEP_SECONDS)


# --- running ------------------------------------------------------------------------------------


def claim(job_id):
    """Take the job for this run, or None: it ran already, or another worker has it and is alive.

    A queued job is taken once however often it is delivered; a running one only when its
    heartbeat is stale (its worker died), and only by one of the workers that find it so.
    """
    try:
        job = Job.objects.select_related("user").get(pk=job_id)
    except Job.DoesNotExist:
        return None
    if job.status == Status.QUEUED:
        condition = Q(status=Status.QUEUED, attempts=job.attempts)
    elif job.status == Status.RUNNING and is_stale(job):
        condition = Q(status=Status.RUNNING, attempts=job.attempts)
    else:
        return None
    if cache.get(_cancel_key(job.pk)):
        _finish_if(job, condition, Status.CANCELLED)
        return None
    if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
        _finish_if(job, condition, Status.FAILED, error=gave_up_message(job))
        return None
    now = timezone.now()
    taken = Job.objects.filter(pk=job.pk).filter(condition)
    if not taken.update(status=Status.RUNNING, attempts=F("attempts") + 1, started=now, heartbeat=now, done=0):
        return None
    job.refresh_from_db()
    return job


def gave_up_message(job):
    return _(
        "The job stopped without finishing %(count)d times (its worker was stopped or lost). "
        "Nothing was written. Start it again."
    ) % {"count": job.attempts}


def execute(job_id):
    """Run one job to its end: done, failed or cancelled. Safe to call again for the same job."""
    job = claim(job_id)
    if job is None:
        return
    job_kind = KINDS[job.kind]
    progress = Progress(job)
    with translation.override(job.params.get("language")):
        try:
            with change_context(job_kind.source, user=job.user, request_id=job.request_id or None):
                if job_kind.atomic:
                    # The job's "done" commits with its work: both, or (killed, failed) neither.
                    with transaction.atomic():
                        result = job_kind.run(job, progress)
                        _finish(job, Status.DONE, result=result)
                else:
                    result = job_kind.run(job, progress)
                    _finish(job, Status.DONE, result=result)
        except Cancelled:
            _finish(job, Status.CANCELLED)
        except JobError as error:
            _finish(job, Status.FAILED, error=str(error))
        except Exception as error:
            logger.exception("job %s (%s) failed", job.pk, job.kind)
            message = _("The job failed: %(error)s.") % {"error": f"{type(error).__name__}: {error}"}
            if job_kind.atomic:
                message += " " + _("Nothing was written.")
            _finish(job, Status.FAILED, error=message)
        finally:
            cache.delete_many([_progress_key(job.pk), _cancel_key(job.pk)])


def _finish(job, status, result=None, error=""):
    job.status, job.finished, job.error = status, timezone.now(), error
    if result is not None:
        job.result = result
    if status == Status.DONE and job.total is not None:
        job.done = job.total
    job.save(update_fields=["status", "finished", "error", "result", "done", "total"])
    _notify_finished(job)


def _finish_if(job, condition, status, error=""):
    """Finish a job nobody runs, if it is still as found; True if it was."""
    finished = (
        Job.objects.filter(pk=job.pk).filter(condition).update(status=status, finished=timezone.now(), error=error)
    )
    if finished:
        job.refresh_from_db()
        _notify_finished(job)
    return bool(finished)


# Translated when written, in the language of the job's user (see notify).
FINISHED_NOTICES = {Status.DONE: gettext_noop("Done: %(job)s"), Status.FAILED: gettext_noop("Failed: %(job)s")}


def _notify_finished(job):
    text = FINISHED_NOTICES.get(job.status)
    if text is None:
        return  # the user cancelled it: no news
    notify(job.user, "job", lambda: _(text) % {"job": job.title}, link=job.get_absolute_url())


def language_of(user):
    """The language a user's notices are written in: their own choice, else the site's."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE


def in_language_of(user):
    """``with in_language_of(user):`` writes what is said there for the user, whoever acts."""
    return translation.override(language_of(user))


def notify(user, kind_name, title, link=""):
    """A notice in the user's inbox. ``title`` is a text, or a function that writes it: called in the
    user's language, so that each recipient reads the notice in their own."""
    if callable(title):
        with in_language_of(user):
            title = str(title())
    return Notification.objects.create(user=user, kind=kind_name, title=title[:200], link=link)


UNREAD_SHOWN = 99  # the badge shows "99+" past this


def unread_count(user):
    """Unread notices, up to UNREAD_SHOWN + 1: every page asks, so it reads a few keys rather than COUNT(*)."""
    unread = Notification.objects.filter(user=user, read=False).values_list("pk", flat=True)
    return len(unread[: UNREAD_SHOWN + 1])


class ThreadRunner:
    """Jobs on a few threads of this process; in the web server, a timer thread runs the periodic sweep."""

    def __init__(self):
        self.lock = threading.Lock()
        self.executor = None
        self.sweeping = False

    def start(self):
        """The job threads, once per process, started by the first job."""
        with self.lock:
            if self.executor is None:
                self.executor = ThreadPoolExecutor(settings.JOBS_THREADS, thread_name_prefix="fangkong-job")

    def stop(self):
        """Let the job threads finish what they were given, then drop them (the next job starts new ones)."""
        with self.lock:
            executor, self.executor = self.executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def start_sweeping(self):
        """The timer of the periodic sweep, once per process: only the web server starts it (wsgi.py),
        so that a process which merely runs a job (a test, a management command) sweeps nothing."""
        with self.lock:
            if not self.sweeping:
                self.sweeping = True
                threading.Thread(target=self.sweep_forever, name="fangkong-job-sweep", daemon=True).start()

    def submit(self, job_id):
        return self.call(execute, job_id)

    def call(self, function, *args):
        """Run ``function(*args)`` on one of the threads, with a database connection of its own."""
        self.start()
        return self.executor.submit(self.run, function, *args)

    @staticmethod
    def run(function, *args):
        close_old_connections()
        try:
            function(*args)
        finally:
            connection.close()

    @staticmethod
    def sweep_forever():
        while True:
            time.sleep(settings.JOBS_SWEEP_SECONDS)
            try:
                periodic_sweep()
            finally:
                connection.close()


threads = ThreadRunner()


def sweep(now=None):
    """Hand on the jobs no worker has (``is_lost``): ``claim`` runs them again from the start, or fails
    those that ran out of attempts. Returns the ids handed on."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=settings.JOBS_STALE_SECONDS)
    handed = []
    for job in Job.objects.filter(
        Q(status=Status.RUNNING, heartbeat__lt=limit) | Q(status=Status.QUEUED, created__lt=limit)
    ):
        if not is_lost(job, now):
            continue  # alive (its worker reports through the cache), or waiting in the broker's queue
        logger.warning("job %s (%s): no sign of life since %s, handed on", job.pk, job.kind, job.heartbeat)
        handed.append(job.pk)
        submit(job.pk)
    return handed


SWEEPERS = []


def sweeper(function):
    """Register work for every periodic sweep (Celery beat with REDIS_URL, the timer thread otherwise).
    It must be safe to run twice at once and again after a restart: it derives what is due from the rows."""
    SWEEPERS.append(function)
    return function


def periodic_sweep():
    """Stale jobs, old files, then every registered sweeper; one failing does not stop the others."""
    for function in (sweep, clean, *SWEEPERS):
        try:
            function()
        except Exception:
            logger.exception("the sweep %s failed", function.__qualname__)


def clean():
    """Delete job files and uploads older than JOBS_KEEP_SECONDS. Returns how many files went."""
    cutoff = time.time() - settings.JOBS_KEEP_SECONDS
    removed = 0
    for directory in (settings.JOBS_DIR, StoredUpload.directory()):
        if not directory.exists():
            continue
        for path in directory.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
    return removed
