from django.core.management.base import BaseCommand

from fangkong.core import jobs


class Command(BaseCommand):
    help = (
        "Hand on the background jobs whose worker died (or fail them after JOBS_MAX_ATTEMPTS runs), and delete "
        "job downloads and uploads older than JOBS_KEEP_SECONDS. Celery beat does this every five minutes."
    )

    def handle(self, *args, **options):
        handed = jobs.sweep()
        removed = jobs.clean()
        self.stdout.write(f"{len(handed)} stale job(s) handed on, {removed} old file(s) deleted")
