from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators import entry, permissions, worklist
from reporting.access import allowed
from reporting.forms import ReviewForm


@allowed(permissions.can_review_any)
def review_queue(request):
    """Submissions waiting for this head or reviewer; approve the ticked ones or return them with a reason."""
    form = ReviewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            figures = entry.figures_review(
                user=request.user, versions=form.versions, approve=form.approve, reason=form.cleaned_data["reason"]
            )
        except entry.Stale:
            messages.error(request, _("Some of these figures changed since you opened the page. Check them again."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done = ngettext("%(count)d figure approved.", "%(count)d figures approved.", len(figures))
            if not form.approve:
                done = ngettext("%(count)d figure returned.", "%(count)d figures returned.", len(figures))
            messages.success(request, done % {"count": len(figures)})
            return redirect("reporting:review")
    page = worklist.review_queue(user=request.user, page=request.GET.get("page"))
    context = {"page": page, "figures": page.object_list, "form": form}
    return render(request, "reporting/review.html", context, status=400 if form.errors else 200)
