"""The --plan option the commands share: a plan named by its slug, or the only plan loaded."""

from django.core.management.base import CommandError

from indicators.models import Plan


def add_plan_argument(parser):
    parser.add_argument(
        "--plan", metavar="SLUG", help="the plan, by its short name (may be left out when one is loaded)"
    )


def plan_named(slug):
    """The plan `slug` names; without one, the only plan loaded. CommandError otherwise, listing the choices."""
    if slug:
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(f"Unknown plan {slug}. Plans loaded: {_slugs() or 'none'}.")
        return plan
    plans = list(Plan.objects.order_by("pk")[:2])
    if not plans:
        raise CommandError("No plan is loaded. Run `manage.py load_plan` first.")
    if len(plans) > 1:
        raise CommandError(f"Several plans are loaded; name one with --plan ({_slugs()}).")
    return plans[0]


def _slugs():
    return ", ".join(Plan.objects.order_by("pk").values_list("slug", flat=True))
