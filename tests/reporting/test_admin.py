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
