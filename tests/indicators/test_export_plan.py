import json

import pytest
from django.core.management import CommandError, call_command


@pytest.fixture
def exported(plan, capsys):
    call_command("export_plan")
    return json.loads(capsys.readouterr().out)


def test_top_level_contract(exported):
    assert list(exported) == ["plan", "departments", "regions", "tasks", "indicators"]
    assert exported["plan"]["document_number"] == "营政发〔2022〕18号"
    assert set(exported["departments"][0]) == {"name", "name_en", "kind", "aliases"}
    assert set(exported["tasks"][0]) == {"code", "title", "lead_departments", "cooperating_departments"}


def test_indicator_contract_for_energy_intensity(exported):
    indicator = exported["indicators"][0]
    assert indicator == {
        "code": "EI_GDP",
        "name": "单位地区生产总值能耗",
        "name_en": "Energy consumption per unit of GDP",
        "unit": "吨标准煤/万元",
        "kind": "relative_reduction",
        "baseline_year": 2020,
        "baseline_value": None,
        "target_year": 2025,
        "target_value": 15.5,
        "binding": True,
        "task": "四（一）",
        "lead_departments": ["市发改委（市能源局）"],
        "cooperating_departments": ["市统计局"],
        "source_text": "到2025年，全市单位地区生产总值能耗比2020年下降15.5%",
    }


def test_every_target_of_the_plan_is_exported_with_numbers_as_numbers(exported):
    targets = {i["code"]: i["target_value"] for i in exported["indicators"]}
    assert len(targets) == 41
    assert (targets["COD"], targets["NH3N"], targets["NOX"], targets["VOCS"]) == (3472, 35, 8787, 1754)
    assert isinstance(targets["COD"], int) and targets["DC_PUE"] == 1.3


def test_department_names_are_as_in_the_plan(exported):
    names = {d["name"] for d in exported["departments"]}
    assert {"市发改委（市能源局）", "市农业农村局（市乡村振兴局）", "营口海事局", "人民银行营口市中心支行"} <= names
    assert {"营口理工学院", "市委组织部", "市妇联"} <= names
    leads = {t["code"]: t["lead_departments"] for t in exported["tasks"]}
    assert leads["三（六）"] == ["市机关事务管理服务中心"]


def test_without_a_plan_it_says_what_to_do(db):
    with pytest.raises(CommandError, match="load_plan"):
        call_command("export_plan")
