from django.core.management.base import BaseCommand

from fangkong.people import tallies
from fangkong.people.models import HouseholdTally


class Command(BaseCommand):
    help = (
        "Recompute the households figures' tallies from the records: after a load that sent no signals "
        "(bulk inserts, SQL) or a change of TIME_ZONE."
    )

    def handle(self, *args, **options):
        tallies.rebuild()
        self.stdout.write(f"{HouseholdTally.objects.count()} tally rows")
