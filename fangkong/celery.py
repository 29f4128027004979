"""Celery app for production (REDIS_URL set). Without Redis, tasks run in-process at once."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
app = Celery("fangkong")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
