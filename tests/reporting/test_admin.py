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


@pytest.mark.parametrize("persona", ["clerk", "head", "leader"])
def test_admin_is_closed_to_everyone_else(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:indicators_indicator_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_approving_a_figure_in_the_admin_recomputes_its_indicator(
    client, administrator, django_capture_on_commit_callbacks
):
    from indicators.models import Figure, Indicator, Result

    client.force_login(administrator)
    cod = Indicator.objects.get(code="COD")
    figure = Figure.objects.create(indicator=cod, year=2021, measure="amount", value=700, status="submitted")
    data = {
        "indicator": cod.pk,
        "region": "",
        "year": 2021,
        "measure": "amount",
        "stage": "final",
        "value": "700",
        "status": "approved",
        "source": "",
        "note": "",
        "entered_by": "",
        "reviewed_by": "",
        "reviewed_at_0": "",
        "reviewed_at_1": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:indicators_figure_change", args=[figure.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    figure.refresh_from_db()
    assert (figure.status, figure.revision, figure.history.count()) == ("approved", 2, 2)
    assert Result.objects.get(indicator=cod, region=None, year=2021).status == "green"


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
        indicator=Indicator.objects.get(code="STEEL_ULE"), year=2021, measure="level", value=40, status="approved"
    )
    client.force_login(administrator)
    url = f"/admin/indicators/figure/{figure.pk}/change/"
    assert 'name="value"' not in client.get(url).content.decode()
    client.post(url, {"value": "99", "status": "draft"})
    figure.refresh_from_db()
    assert (figure.value, figure.status) == (40, "approved")
