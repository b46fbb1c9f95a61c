"""figures_import and `manage.py import_figures`: all rows or none, re-imports become revisions."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from indicators.figures import ImportRejected, figures_import
from indicators.models import Figure

GOOD = """indicator,region,year,value,measure,stage,note
EI_GDP,,2021,-2.9,change_rate,final,统计公报
EI_GDP,鲅鱼圈区,2021,-3.1,change_rate,,
COD,Bayuquan District,2021,120.5,,,
STRAW_USE,,2022,91.5,,,
OUTFALL_REMEDIATION,,2023,90,,,
""".encode()


def test_a_good_file_is_saved_as_submitted(plan, clerk):
    summary = figures_import(data=GOOD, filename="figures.csv", user=clerk)
    assert (summary.created, summary.replaced, summary.unchanged) == (5, 0, 0)
    figure = Figure.objects.get(statistic__code="COD")
    assert (figure.region.name, figure.year, figure.measure, figure.value) == (
        "鲅鱼圈区",
        2021,
        "amount",
        Decimal("120.5"),
    )
    assert set(Figure.objects.values_list("status", flat=True)) == {"submitted"}
    assert Figure.objects.get(statistic__code="EI_GDP", region=None).note == "统计公报"
    assert figure.entered_by == clerk and figure.history.count() == 1


def test_the_same_file_twice_changes_nothing(plan):
    figures_import(data=GOOD, filename="figures.csv")
    summary = figures_import(data=GOOD, filename="figures.csv")
    assert (summary.created, summary.replaced, summary.unchanged) == (0, 0, 5)
    assert Figure.objects.count() == 5


def test_reimport_replaces_the_value_as_a_new_revision(plan, administrator):
    figures_import(data=GOOD, filename="figures.csv", approve=True, user=administrator)
    corrected = b"indicator,region,year,value\nCOD,\xe9\xb2\x85\xe9\xb1\xbc\xe5\x9c\x88\xe5\x8c\xba,2021,130\n"
    summary = figures_import(data=corrected, filename="corrected.csv", approve=True, user=administrator)
    assert (summary.created, summary.replaced) == (0, 1)
    figure = Figure.objects.get(statistic__code="COD")
    assert (figure.value, figure.revision, figure.status) == (Decimal("130"), 2, "approved")
    history = list(figure.history.order_by("history_date").values_list("value", "history_change_reason"))
    assert history == [(Decimal("120.5"), "import figures.csv"), (Decimal("130"), "import corrected.csv")]
    assert Figure.objects.filter(statistic__code="COD").count() == 1


def test_reimporting_for_review_does_not_take_back_an_approval(plan, administrator):
    figures_import(data=GOOD, filename="official.csv", approve=True, user=administrator)
    summary = figures_import(data=GOOD, filename="again.csv")
    assert (summary.replaced, summary.unchanged) == (0, 5)
    assert set(Figure.objects.values_list("status", flat=True)) == {"approved"}


def test_command_needs_a_plan(db, tmp_path):
    path = tmp_path / "figures.csv"
    path.write_bytes(GOOD)
    with pytest.raises(CommandError, match="load_plan"):
        call_command("import_figures", str(path))


def test_a_file_with_one_bad_row_saves_nothing(plan):
    bad = GOOD + b"COD,,2021,-5,,,\nNOPE,,2021,1,,,\nSTRAW_USE,,2019,90,,,\n"
    with pytest.raises(ImportRejected) as rejected:
        figures_import(data=bad, filename="figures.csv")
    found = {(p.line, p.column) for p in rejected.value.problems}
    assert found == {(7, "value"), (8, "indicator"), (9, "year")}
    assert Figure.objects.count() == 0


def test_an_unreadable_file_is_rejected_with_one_problem(plan):
    with pytest.raises(ImportRejected) as rejected:
        figures_import(data=b"MZ\x90\x00\x03", filename="figures.xlsx")
    assert len(rejected.value.problems) == 1 and rejected.value.problems[0].line is None


def test_command_imports_and_approves(plan, tmp_path, capsys, administrator):
    path = tmp_path / "figures.csv"
    path.write_bytes(GOOD)
    call_command("import_figures", str(path), approve=True, user="administrator")
    assert "5 new" in capsys.readouterr().out
    assert set(Figure.objects.values_list("status", flat=True)) == {"approved"}
    assert Figure.objects.filter(reviewed_by=administrator).count() == 5


def test_command_reports_every_problem_and_fails(plan, tmp_path, capsys):
    path = tmp_path / "figures.csv"
    path.write_bytes(GOOD.replace(b"91.5", b"101").replace(b"120.5", b"abc"))
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_figures", str(path))
    errors = capsys.readouterr().err
    assert "line 4" in errors and "line 5" in errors
    assert Figure.objects.count() == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["/nonexistent/figures.csv"], "No such file"), (["{path}", "--user", "nobody"], "Unknown user")],
)
def test_command_bad_arguments(plan, tmp_path, arguments, message):
    path = tmp_path / "figures.csv"
    path.write_bytes(GOOD)
    with pytest.raises(CommandError, match=message):
        call_command("import_figures", *[a.format(path=path) for a in arguments])
