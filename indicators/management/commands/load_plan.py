from django.core.management.base import BaseCommand, CommandError

from indicators.catalogue import CATALOGUE_PATH, CatalogueError, read_catalogue
from indicators.services import plan_load


class Command(BaseCommand):
    help = "Load the plan's catalogue (departments, regions, tasks, indicators). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(CATALOGUE_PATH), help="catalogue TOML (default: %(default)s)")

    def handle(self, *args, **options):
        try:
            catalogue = read_catalogue(options["file"])
        except (OSError, CatalogueError, KeyError, ValueError) as error:
            raise CommandError(f"Cannot read the catalogue {options['file']}: {error}") from error
        plan = plan_load(catalogue=catalogue)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {plan}: {len(catalogue['departments'])} departments, {len(catalogue['regions'])} regions, "
                f"{len(catalogue['tasks'])} tasks, {len(catalogue['indicators'])} indicators."
            )
        )
