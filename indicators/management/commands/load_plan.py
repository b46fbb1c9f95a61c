from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from indicators.catalogue import CATALOGUE_PATH, CatalogueError, read_catalogue
from indicators.plans import plan_load


class Command(BaseCommand):
    help = (
        "Load the plan's catalogue (departments, regions, tasks, indicators); safe to run again. "
        "With --check, only check the file and write nothing. The format: docs/catalogue.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help=f"catalogue TOML (default: {CATALOGUE_PATH})")
        parser.add_argument("--file", help="the same as PATH (kept for older scripts)")
        parser.add_argument("--check", action="store_true", help="check the file, print every problem, load nothing")

    def handle(self, *args, **options):
        path = options["path"] or options["file"] or str(CATALOGUE_PATH)
        try:
            catalogue = read_catalogue(path)
        except OSError as error:
            message = _("Cannot read the catalogue %(path)s: %(error)s") % {"path": path, "error": error}
            raise CommandError(message) from error
        except CatalogueError as error:
            # Every problem, one per line, in the form editors and CI logs link to.
            listing = "\n".join(f"{path}:{p.line}: {self._describe(p)}" for p in error.problems)
            if options["check"]:
                self.stderr.write(listing)
            summary = _("%(count)s problems in %(path)s; nothing was loaded.") % {
                "count": len(error.problems),
                "path": path,
            }
            raise CommandError(summary if options["check"] else f"{summary}\n{listing}", returncode=1) from error
        if options["check"]:
            self.stdout.write(self._counts(catalogue))
            return
        plan = plan_load(catalogue=catalogue)  # one transaction: a failure leaves the database as it was
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {plan}: {len(catalogue['departments'])} departments, {len(catalogue['regions'])} regions, "
                f"{len(catalogue['tasks'])} tasks, {len(catalogue['indicators'])} indicators."
            )
        )

    @staticmethod
    def _describe(problem):
        text = _(problem.message) % dict(problem.params) if problem.params else _(problem.message)
        return f"{problem.field}: {text}" if problem.field else text

    @staticmethod
    def _counts(catalogue):
        return _("OK: %(indicators)s indicators, %(tasks)s tasks") % {
            "indicators": len(catalogue["indicators"]),
            "tasks": len(catalogue["tasks"]),
        }
