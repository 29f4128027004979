from django.core.management.base import BaseCommand

from fangkong.core.context import Source, change_context


class LoggedCommand(BaseCommand):
    """A management command whose writes are attributed to the 'command' source in the change log."""

    def execute(self, *args, **options):
        with change_context(Source.COMMAND):
            return super().execute(*args, **options)
