import json

from django.core.management.base import BaseCommand, CommandError

from indicators.models import Plan
from indicators.selectors import plan_export


class Command(BaseCommand):
    help = "Print the plan's catalogue as JSON (plan, departments, regions, tasks, indicators)."

    def handle(self, *args, **options):
        if not Plan.objects.exists():
            raise CommandError("No plan is loaded. Run `manage.py load_plan` first.")
        self.stdout.write(json.dumps(plan_export(), ensure_ascii=False, indent=2))
