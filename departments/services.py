from django.contrib.auth.models import Group
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
