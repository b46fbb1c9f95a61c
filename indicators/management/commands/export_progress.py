import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from audit.models import AuditEntry
from audit.services import audit_record
from indicators.exports import progress_export
from indicators.management.plans import add_plan_argument, plan_named
from indicators.models import Indicator


class Command(BaseCommand):
    help = "Print a plan's progress results as JSON: indicator, region, year, achieved, expected, status, ..."

    def add_arguments(self, parser):
        add_plan_argument(parser)
        parser.add_argument("--indicator", metavar="CODE", help="only this indicator, e.g. EI_GDP")

    def handle(self, *args, plan=None, indicator=None, **options):
        plan = plan_named(plan)
        if indicator and not Indicator.objects.filter(task__plan=plan, code=indicator).exists():
            raise CommandError(f"Unknown indicator {indicator}. `manage.py export_plan` lists the codes.")
        # The explanations are written in the site's language, whatever the caller activated: the same data
        # gives the same bytes (the backup test compares two exports).
        with translation.override(settings.LANGUAGE_CODE):
            exported = progress_export(plan=plan, indicator_code=indicator)
        audit_record(
            event=AuditEntry.Event.EXPORT,
            obj=f"plan {plan.slug} export_progress",
            detail={"indicator": indicator} if indicator else None,
        )
        self.stdout.write(json.dumps(exported, ensure_ascii=False, indent=2))
