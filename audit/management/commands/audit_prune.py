from django.conf import settings
from django.core.management.base import BaseCommand

from audit.services import audit_prune


class Command(BaseCommand):
    help = "Delete the audit entries older than AUDIT_KEEP_DAYS (at least 180 days); the prune is itself recorded."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")

    def handle(self, *args, dry_run=False, **options):
        pruned = audit_prune(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {pruned.deleted} audit entries older than {settings.AUDIT_KEEP_DAYS} days.")
