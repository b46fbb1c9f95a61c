from django.core.management.base import BaseCommand, CommandError

from audit.services import audit_verify


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain from its oldest entry; exit 1 naming the first entry that was changed, "
        "inserted, or follows a deleted one. Prints the newest entry's hash: keep it elsewhere to detect a rewrite."
    )

    def handle(self, *args, **options):
        result = audit_verify()
        if not result.ok:
            entry = result.culprit
            raise CommandError(
                f"Audit trail broken at entry #{entry.seq} (id {entry.pk}, {entry.at.isoformat()}, {entry.event}, "
                f"{entry.username or '-'}): {result.problem}. {result.count} entries before it are intact."
            )
        if not result.count:
            self.stdout.write("The audit trail is empty.")
            return
        self.stdout.write(
            f"{result.count} audit entries verified, #{result.first.seq} to #{result.last.seq}. "
            f"Newest hash: {result.last.hash}"
        )
