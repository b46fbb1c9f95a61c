"""View decorators that ask indicators.permissions, the one place deciding who may do what."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from indicators import permissions
from indicators.models import Plan


def allowed(predicate):
    """Anonymous users go to the login page; logged-in users the predicate refuses get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def plan_page(view):
    """A page under /plans/<slug>/: the plan named by the slug (404 when there is none) becomes
    `request.plan`, and a user who may not see it gets 403. The view itself takes no slug. Put it under
    `allowed`, which sends anonymous users to the login page first."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        plan = get_object_or_404(Plan, slug=slug)
        if not permissions.can_read_plan(request.user, plan):
            raise PermissionDenied
        request.plan = plan
        return view(request, *args, **kwargs)

    return wrapper
