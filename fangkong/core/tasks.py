"""Celery tasks of the job runner (fangkong.core.jobs), when JOBS_BACKEND is "celery"."""

from celery import shared_task

from . import jobs


# acks_late (also the default in settings): a worker killed mid-job never acknowledged it, so the
# broker delivers it again; ``jobs.claim`` makes a second delivery of a job that ran a no-op.
@shared_task(name="fangkong.core.tasks.run_job", acks_late=True, reject_on_worker_lost=True)
def run_job(job_id):
    jobs.execute(job_id)


@shared_task(name="fangkong.core.tasks.sweep_jobs")
def sweep_jobs():
    jobs.periodic_sweep()
