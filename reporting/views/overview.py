from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from indicators.selectors import plan_overview


@login_required
def overview(request):
    """The plan's tasks and indicators with their targets and lead departments. Everyone who can log
    in may read the plan itself; figures and progress get their own per-role pages."""
    return render(request, "reporting/overview.html", plan_overview())
