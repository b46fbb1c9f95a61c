import pytest
from django.urls import reverse

MODELS = [
    ("departments", "department", "部门"),
    ("departments", "region", "地区"),
    ("departments", "user", "用户"),
    ("indicators", "plan", "方案"),
    ("indicators", "task", "任务"),
    ("indicators", "indicator", "指标"),
    ("indicators", "figure", "年度数据"),
    ("indicators", "result", "进展结果"),
]


@pytest.mark.parametrize(("app", "model", "verbose_name"), MODELS)
def test_admin_lists_every_model_with_chinese_names(client, administrator, app, model, verbose_name):
    client.force_login(administrator)
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert verbose_name in page
    assert "营口市“十四五”节能减排目标跟踪平台" in page


def test_admin_change_page_of_a_task_shows_its_departments(client, administrator):
    from indicators.models import Task

    client.force_login(administrator)
    task = Task.objects.get(code="四（一）")
    page = client.get(reverse("admin:indicators_task_change", args=[task.pk])).content.decode()
    assert "市统计局" in page


@pytest.mark.parametrize("persona", ["clerk", "head", "leader", "reviewer", "audit_administrator"])
def test_admin_is_closed_to_everyone_else(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(reverse("admin:indicators_indicator_changelist")).status_code == 403


def test_the_admin_asks_a_visitor_to_sign_in(client, plan):
    response = client.get(reverse("admin:indicators_indicator_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def figure_row(figure):
    figure.refresh_from_db()
    return (figure.value, figure.status, figure.reviewed_by_id, figure.revision, figure.history.count())


@pytest.fixture
def locked_figure(plan, clerk):
    """An approved figure with a history: entered as 12.5, corrected to 89.5 and approved."""
    from indicators.models import Figure, Indicator

    figure = Figure.objects.create(
        statistic=Indicator.objects.get(code="STEEL_ULE").statistic,
        year=2021,
        measure="level",
        value=12.5,
        status="submitted",
    )
    figure.value, figure.status, figure.revision = 89.5, "approved", 2
    figure.save()
    return figure


def test_the_admin_cannot_revert_a_locked_figure_through_its_history(client, administrator, locked_figure):
    first = locked_figure.history.earliest("history_date")
    url = reverse("admin:indicators_figure_simple_history", args=[locked_figure.pk, first.history_id])
    client.force_login(administrator)
    before = figure_row(locked_figure)
    assert client.get(url).status_code == 200  # the old version can be looked at
    assert 'name="_save"' not in client.get(url).content.decode()  # but offers no revert button
    response = client.post(url, {"value": "12.5", "status": "approved", "_save": "1"})
    assert response.status_code == 403
    assert figure_row(locked_figure) == before == (89.5, "approved", None, 2, 2)


def test_the_admin_cannot_approve_a_submission(client, administrator, clerk, plan):
    from indicators.models import Figure, Indicator

    cod = Indicator.objects.get(code="COD")
    figure = Figure.objects.create(statistic=cod.statistic, year=2021, measure="amount", value=700, status="submitted")
    client.force_login(administrator)
    url = reverse("admin:indicators_figure_change", args=[figure.pk])
    page = client.get(url).content.decode()
    assert 'name="status"' not in page and 'name="value"' not in page
    response = client.post(url, {"value": "700", "status": "approved", "reviewed_by": clerk.pk})
    assert response.status_code == 403
    assert figure_row(figure) == (700, "submitted", None, 1, 1)


def test_the_admin_cannot_add_a_figure(client, administrator, plan):
    from indicators.models import Figure, Indicator

    client.force_login(administrator)
    url = reverse("admin:indicators_figure_add")
    assert client.get(url).status_code == 403
    data = {"indicator": Indicator.objects.get(code="COD").pk, "year": 2021, "measure": "amount", "value": "1"}
    assert client.post(url, data | {"status": "approved", "stage": "final"}).status_code == 403
    assert not Figure.objects.exists()


def test_the_admin_cannot_delete_a_figure_singly(client, administrator, locked_figure):
    client.force_login(administrator)
    url = reverse("admin:indicators_figure_delete", args=[locked_figure.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert figure_row(locked_figure) == (89.5, "approved", None, 2, 2)


def test_the_admin_cannot_delete_figures_in_bulk(client, administrator, locked_figure):
    from indicators.models import Figure

    client.force_login(administrator)
    url = reverse("admin:indicators_figure_changelist")
    assert "delete_selected" not in client.get(url).content.decode()
    client.post(url, {"action": "delete_selected", "_selected_action": [locked_figure.pk], "post": "yes"})
    assert Figure.objects.filter(pk=locked_figure.pk).exists()


@pytest.mark.parametrize("model", ["figure", "result", "upload", "reminder", "user"])
def test_records_of_the_workflow_cannot_be_deleted_in_the_admin(client, administrator, model):
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = administrator
    model_admin = next(a for m, a in admin.site._registry.items() if m._meta.model_name == model)
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)


@pytest.mark.parametrize("model", ["figure", "result", "upload", "reminder"])
def test_records_of_the_workflow_are_read_only_in_the_admin(client, administrator, model):
    client.force_login(administrator)
    assert client.get(reverse(f"admin:indicators_{model}_add")).status_code == 403


def test_a_user_cannot_be_deleted_only_deactivated(client, administrator, clerk):
    from departments.models import User

    client.force_login(administrator)
    url = reverse("admin:departments_user_delete", args=[clerk.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=clerk.pk).exists()


@pytest.mark.parametrize(
    ("trajectory", "message"),
    [
        ('{"2019": 1.0}', "2020年之后"),
        ('{"2021": "three"}', "数字"),
        ("[1, 2]", "例如"),
    ],
)
def test_a_bad_trajectory_is_refused(client, administrator, trajectory, message):
    from indicators.models import Indicator

    client.force_login(administrator)
    cod = Indicator.objects.get(code="COD")
    page = client.get(reverse("admin:indicators_indicator_change", args=[cod.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data["trajectory"] = trajectory
    response = client.post(reverse("admin:indicators_indicator_change", args=[cod.pk]), data)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors)
    cod.refresh_from_db()
    assert cod.trajectory == {}


def test_an_approved_figure_is_read_only_in_the_admin(client, administrator, plan):
    from indicators.models import Figure, Indicator

    figure = Figure.objects.create(
        statistic=Indicator.objects.get(code="STEEL_ULE").statistic,
        year=2021,
        measure="level",
        value=40,
        status="approved",
    )
    client.force_login(administrator)
    url = f"/admin/indicators/figure/{figure.pk}/change/"
    assert 'name="value"' not in client.get(url).content.decode()
    client.post(url, {"value": "99", "status": "draft"})
    figure.refresh_from_db()
    assert (figure.value, figure.status) == (40, "approved")
