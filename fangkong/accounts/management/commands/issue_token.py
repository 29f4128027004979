from django.core.management.base import CommandError

from fangkong.accounts.models import User
from fangkong.accounts.services import issue_token
from fangkong.core.management.base import LoggedCommand


class Command(LoggedCommand):
    help = "Issue a new API token for a user (the old one stops working) and print it."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as missing:
            raise CommandError(f"No user called {username}") from missing
        self.stdout.write(issue_token(user).key)
