from pathlib import Path

from django.core.management.base import CommandError

from fangkong.areas.services import DivisionFileError, import_divisions
from fangkong.core.management.base import LoggedCommand

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "shangluo_divisions.csv"


class Command(LoggedCommand):
    help = "Load an NBS-style division list (code,name,level,parent_code; UTF-8 or GBK). Safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", default=str(BUNDLED), help="CSV file; defaults to the bundled Shangluo divisions"
        )

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            result = import_divisions(path.read_bytes())
        except DivisionFileError as error:
            raise CommandError(f"{path}: nothing was imported.\n{error}") from error
        self.stdout.write(
            f"{path.name}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged"
        )
        if result.special:
            self.stdout.write(
                f"{len(result.special)} NBS 'similar to town' units marked special: "
                + ", ".join(area.name for area in result.special)
            )
