import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
application = get_wsgi_application()

from django.conf import settings  # noqa: E402 (after the setup above)

from fangkong.core.warmup import warm_up  # noqa: E402

warm_up()

if settings.JOBS_BACKEND == "thread":
    from fangkong.core import jobs  # noqa: E402

    # Without Celery beat, the web process runs the periodic sweep itself (alert escalation, stale jobs).
    jobs.threads.start_sweeping()
