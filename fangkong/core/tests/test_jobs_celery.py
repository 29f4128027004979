"""An import job through Celery: the real Redis on 127.0.0.1:6379 (CI starts it) and a real worker thread."""

import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun

from fangkong.areas.imports import GridImporter
from fangkong.celery import app
from fangkong.core import jobs, tasks
from fangkong.core.context import Source
from fangkong.core.models import ChangeLogEntry, Job
from fangkong.core.testing import make_people, make_tree

from .test_jobs import ROWS, grid_file, stored

BROKER = "redis://127.0.0.1:6379/15"  # a database of its own, emptied before the test


@pytest.fixture
def celery_on_redis(settings, tmp_path):
    settings.JOBS_BACKEND = "celery"
    settings.VAR_DIR = tmp_path
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    with app.connection_for_write() as connection:
        connection.default_channel.client.flushdb()
    yield
    app.conf.update(saved)


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_runs_an_import_job(celery_on_redis):
    assert tasks.run_job.acks_late  # a killed worker's job is delivered again
    tree = make_tree()
    user = make_people(tree).town_officer
    ran = threading.Event()

    def after_task(sender=None, **kwargs):
        if sender.name == tasks.run_job.name:
            ran.set()

    task_postrun.connect(after_task, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            upload = stored(user, grid_file())
            params = {"importer": GridImporter.dotted_name(), "token": upload.token, "all_or_nothing": False}
            job = jobs.start("import-commit", user, "Import of grids.xlsx", params)  # sent on commit: at once here
            assert ran.wait(30), "the worker never ran the job"
    finally:
        task_postrun.disconnect(after_task)
    job.refresh_from_db()
    assert (job.status, job.done, job.result["summary"]["created"]) == (Job.Status.DONE, ROWS, ROWS)
    assert tree.village2.children.count() == ROWS
    assert ChangeLogEntry.objects.filter(source=Source.IMPORT, user=user).count() == ROWS
