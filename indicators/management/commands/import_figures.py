from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from indicators.figures import ImportRejected, figures_import
from indicators.management.plans import add_plan_argument, plan_named


class Command(BaseCommand):
    help = (
        "Import yearly figures from a CSV (UTF-8 or GBK) or XLSX file with the columns indicator, region, "
        "year, value and optionally measure, stage, note. All rows are saved, or none."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--approve", action="store_true", help="mark the rows approved (official data loaded by an administrator)"
        )
        add_plan_argument(parser)
        parser.add_argument("--user", metavar="USERNAME", help="record this user as the one who entered them")

    def handle(self, *args, file, approve=False, user=None, plan=None, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        plan = plan_named(plan)
        if user:
            try:
                user = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"Unknown user {user}.") from None
        try:
            summary = figures_import(data=file.read_bytes(), filename=file.name, user=user, approve=approve, plan=plan)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{file.name}: {len(rejected.problems)} problem(s); nothing was saved.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{file.name}: {summary.created} new, {summary.replaced} replaced, {summary.unchanged} unchanged "
                f"({'approved' if approve else 'submitted for review'})."
            )
        )
