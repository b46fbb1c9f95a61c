from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from departments.roles import LABELS
from indicators.demo_load import DEMO_PASSWORD, demo_plans_load
from indicators.models import Figure, Plan


class Command(BaseCommand):
    help = "Create demo users for every role and an illustrative data set for 2020–2024 (not official)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="run even though DEBUG is off (the demo accounts get a published password)",
        )

    def handle(self, *args, **options):
        # The demo accounts include a superuser whose password is in the README.
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError(
                "DEBUG is off: this looks like production. load_demo creates accounts with a published "
                "password; pass --allow-production if this really is a demo machine."
            )
        plan = Plan.objects.order_by("pk").first()
        if plan is None:
            raise CommandError("No plan is loaded. Run `manage.py load_plan` first.")
        plans, users = demo_plans_load(first=plan)
        count = Figure.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {count} figures (illustrative, not official)."))
        for each in plans:
            self.stdout.write(f"  plan {each.slug}: {each.name}")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in users:
            role = LABELS[user.groups.get().name]
            self.stdout.write(f"  {user.username:<14} {role}  {user.unit or ''}")
