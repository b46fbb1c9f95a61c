from django.core.management.base import BaseCommand, CommandError

from indicators import recompute, tasks
from indicators.management.plans import add_plan_argument, plan_named
from indicators.models import Indicator


class Command(BaseCommand):
    help = "Recompute the progress results from the approved figures (every plan, one plan, or one indicator)."

    def add_arguments(self, parser):
        add_plan_argument(parser)
        parser.add_argument("--indicator", metavar="CODE", help="only this indicator, e.g. EI_GDP")
        parser.add_argument("--sync", action="store_true", help="compute here and now instead of queueing a job")

    def handle(self, *args, plan=None, indicator=None, sync=False, **options):
        ids = None
        if plan or indicator:  # without either, every plan's indicators
            indicators = Indicator.objects.filter(task__plan=plan_named(plan))
            if indicator:
                indicators = indicators.filter(code=indicator)
                if not indicators.exists():
                    raise CommandError(f"Unknown indicator {indicator}. `manage.py export_plan` lists the codes.")
            ids = list(indicators.values_list("pk", flat=True))
        if sync:
            written = recompute.progress_recompute(indicator_ids=ids, on_progress=self._progress)
            self.stdout.write(self.style.SUCCESS(f"Recomputed: {written} results written."))
            return
        job = tasks.recompute_indicators.delay(ids) if ids else tasks.recompute_all.delay()
        self.stdout.write(self.style.SUCCESS(f"Recompute queued (job {job.id})."))

    def _progress(self, done, total):
        self.stderr.write(f"  {done}/{total} indicators")
