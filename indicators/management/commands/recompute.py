from django.core.management.base import BaseCommand, CommandError

from indicators import services, tasks
from indicators.models import Indicator


class Command(BaseCommand):
    help = "Recompute the progress results from the approved figures (all indicators, or one)."

    def add_arguments(self, parser):
        parser.add_argument("--indicator", metavar="CODE", help="only this indicator, e.g. EI_GDP")
        parser.add_argument("--sync", action="store_true", help="compute here and now instead of queueing a job")

    def handle(self, *args, indicator=None, sync=False, **options):
        ids = None
        if indicator:
            found = Indicator.objects.filter(code=indicator).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"Unknown indicator {indicator}. `manage.py export_plan` lists the codes.")
            ids = [found]
        if sync:
            written = services.progress_recompute(indicator_ids=ids, on_progress=self._progress)
            self.stdout.write(self.style.SUCCESS(f"Recomputed: {written} results written."))
            return
        job = tasks.recompute_indicators.delay(ids) if ids else tasks.recompute_all.delay()
        self.stdout.write(self.style.SUCCESS(f"Recompute queued (job {job.id})."))

    def _progress(self, done, total):
        self.stderr.write(f"  {done}/{total} indicators")
