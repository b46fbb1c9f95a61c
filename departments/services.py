from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction

from . import roles
from .models import User


def roles_ensure():
    """Creates the role groups that do not exist yet."""
    for name in roles.LABELS:
        Group.objects.get_or_create(name=name)


@transaction.atomic
def user_upsert(*, username, password, role, department=None, region=None, **fields):
    """Creates or resets a user with exactly one role."""
    user, _ = User.objects.update_or_create(
        username=username, defaults={"department": department, "region": region, **fields}
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([Group.objects.get(name=role)])
    return user


@transaction.atomic
def user_role_set(*, user, role, by):
    """Gives `user` exactly one role (None: none), as the security administrator does. Nobody changes their
    own rights; administrators of every duty get the admin's staff flag, nobody else."""
    if user.pk == by.pk:
        raise PermissionDenied("Nobody changes their own role.")
    user.groups.set([Group.objects.get(name=role)] if role else [])
    user.is_staff = role in roles.ADMINISTRATORS
    user.save(update_fields=["is_staff"])
    return user
