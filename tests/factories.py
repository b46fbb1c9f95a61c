import factory
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from departments.models import Department, Region, User
from indicators.models import Figure, Indicator, Plan, Task
from signin.second_factor import second_factor_required


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试部门{n}")
    name_en = factory.Sequence(lambda n: f"Test department {n}")
    kind = Department.Kind.MUNICIPAL


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试区{n}")
    kind = Region.Kind.DISTRICT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get_or_create(name=extracted)[0])

    @factory.post_generation
    def second_factor(self, create, extracted, **kwargs):
        """A user who must sign in with a second factor has an authenticator app (second_factor=False: none yet);
        the test client's force_login counts as signing in with it (conftest.SignInClient)."""
        wanted = second_factor_required(self) if extracted is None else extracted
        if create and wanted:
            TOTPDevice.objects.create(user=self, name="authenticator", confirmed=True)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan
        django_get_or_create = ["document_number"]

    name = "测试方案"
    document_number = factory.Sequence(lambda n: f"测试〔2022〕{n}号")
    adopted_on = "2022-11-16"
    baseline_year = 2020
    target_year = 2025


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"三（{n}）")
    title = "测试任务"
    text = "测试任务正文"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"TEST_{n}")
    task = factory.SubFactory(TaskFactory)
    section = "三（一）"
    name = factory.Sequence(lambda n: f"测试指标{n}")
    unit = "%"
    kind = Indicator.Kind.AT_LEAST
    baseline_year = 2020
    target_year = 2025
    target_value = 90
    source_text = "测试"


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Figure

    class Params:
        # Tests name the target; the figure belongs to the statistic it reads.
        indicator = factory.SubFactory(IndicatorFactory)

    statistic = factory.LazyAttribute(lambda figure: figure.indicator.statistic)
    year = 2021
    measure = Figure.Measure.LEVEL
    value = 50
