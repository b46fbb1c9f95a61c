import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from departments.models import Department, Region, User


def test_a_user_belongs_to_a_department_or_a_region_not_both(plan):
    user = User(username="both", department=Department.objects.first(), region=Region.objects.first())
    with pytest.raises(ValidationError):
        user.full_clean(exclude=["password"])
    with pytest.raises(IntegrityError), transaction.atomic():
        user.save()


def test_unit_is_the_department_or_the_region(plan):
    region = Region.objects.get(name="盖州市")
    assert User(username="r", region=region).unit == region
    assert User(username="nobody").unit is None


def test_display_name_follows_the_language(plan):
    department = Department.objects.get(name="市生态环境局")
    with translation.override("zh-hans"):
        assert department.display_name == "市生态环境局"
    with translation.override("en"):
        assert department.display_name == "Municipal Bureau of Ecology and Environment"


def test_display_name_falls_back_to_chinese_without_an_english_name(plan):
    department = Department.objects.create(name="市新设局", kind="municipal")
    with translation.override("en"):
        assert department.display_name == "市新设局"
