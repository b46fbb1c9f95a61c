import json

from django.core.management.base import BaseCommand, CommandError

from indicators.models import Indicator
from indicators.selectors import progress_export


class Command(BaseCommand):
    help = "Print the progress results as JSON: indicator, region, year, achieved, expected, status, ..."

    def add_arguments(self, parser):
        parser.add_argument("--indicator", metavar="CODE", help="only this indicator, e.g. EI_GDP")

    def handle(self, *args, indicator=None, **options):
        if indicator and not Indicator.objects.filter(code=indicator).exists():
            raise CommandError(f"Unknown indicator {indicator}. `manage.py export_plan` lists the codes.")
        self.stdout.write(json.dumps(progress_export(indicator_code=indicator), ensure_ascii=False, indent=2))
