import json

from django.core.management.base import BaseCommand

from audit.models import AuditEntry
from audit.services import audit_record
from indicators.exports import plan_export
from indicators.management.plans import add_plan_argument, plan_named


class Command(BaseCommand):
    help = "Print a plan's catalogue as JSON (plan, departments, regions, tasks, indicators)."

    def add_arguments(self, parser):
        add_plan_argument(parser)

    def handle(self, *args, plan=None, **options):
        plan = plan_named(plan)
        exported = plan_export(plan=plan)
        # Recorded before the output is written: no export without its audit entry.
        audit_record(event=AuditEntry.Event.EXPORT, obj=f"plan {plan.slug} export_plan")
        self.stdout.write(json.dumps(exported, ensure_ascii=False, indent=2))
