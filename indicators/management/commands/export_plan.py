import json

from django.core.management.base import BaseCommand

from indicators.exports import plan_export
from indicators.management.plans import add_plan_argument, plan_named


class Command(BaseCommand):
    help = "Print a plan's catalogue as JSON (plan, departments, regions, tasks, indicators)."

    def add_arguments(self, parser):
        add_plan_argument(parser)

    def handle(self, *args, plan=None, **options):
        self.stdout.write(json.dumps(plan_export(plan=plan_named(plan)), ensure_ascii=False, indent=2))
