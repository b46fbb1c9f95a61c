"""Figures move from a plan's indicator to the statistic it measures (issue 12, docs/plans.md).

Step 1 of 2: add Statistic and the new, still nullable, links; make one statistic per indicator (same code,
name, unit, regions, and the measures its kind takes), point every figure and history row at it, and note each
indicator's plan. The reverse step points figures back at the first indicator reading their statistic, so the
migration can be undone while each statistic has one reader (tests/indicators/test_migrations.py does)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import departments.models
from indicators import kinds


def statistics_from_indicators(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    Statistic = apps.get_model("indicators", "Statistic")
    Task = apps.get_model("indicators", "Task")
    for indicator in Indicator.objects.order_by("pk"):
        statistic, _ = Statistic.objects.get_or_create(
            code=indicator.code,
            defaults={
                "name": indicator.name,
                "name_en": indicator.name_en,
                "unit": indicator.unit,
                "unit_en": indicator.unit_en,
                "by_region": indicator.by_region,
                "measures": list(kinds.measures(indicator.kind, components=indicator.energy_components)),
            },
        )
        indicator.statistic = statistic
        indicator.save(update_fields=["statistic"])
    Indicator.objects.update(plan_id=Subquery(Task.objects.filter(pk=OuterRef("task_id")).values("plan_id")[:1]))
    statistic_of = Indicator.objects.filter(pk=OuterRef("indicator_id")).values("statistic_id")[:1]
    for model in ("Figure", "HistoricalFigure"):
        apps.get_model("indicators", model).objects.update(statistic_id=Subquery(statistic_of))
    _check_constraints_now(schema_editor)


def indicators_from_statistics(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    first_reader = Indicator.objects.filter(statistic_id=OuterRef("statistic_id")).order_by("pk").values("pk")[:1]
    for model in ("Figure", "HistoricalFigure"):
        apps.get_model("indicators", model).objects.update(indicator_id=Subquery(first_reader))
    _check_constraints_now(schema_editor)


def _check_constraints_now(schema_editor):
    """PostgreSQL refuses to alter a table with deferred foreign-key checks pending, as 0010 does when both
    run in one transaction: run the checks now."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0001_initial"),
        ("indicators", "0008_plan_lifecycle"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Statistic",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("code", models.CharField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=200, verbose_name="name")),
                ("name_en", models.CharField(blank=True, max_length=300, verbose_name="English name")),
                ("unit", models.CharField(blank=True, max_length=30, verbose_name="unit")),
                ("unit_en", models.CharField(blank=True, max_length=50, verbose_name="English unit")),
                ("by_region", models.BooleanField(default=False, verbose_name="broken down by region")),
                ("measures", models.JSONField(blank=True, default=list, verbose_name="measures")),
            ],
            options={"verbose_name": "statistic", "verbose_name_plural": "statistics", "ordering": ["code"]},
            bases=(departments.models.BilingualName, models.Model),
        ),
        # Nullable while figures move; 0010 drops it.
        migrations.AlterField(
            model_name="figure",
            name="indicator",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="figures",
                to="indicators.indicator",
                verbose_name="indicator",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="plan",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="indicators",
                to="indicators.plan",
                verbose_name="plan",
            ),
        ),
        migrations.AddField(
            model_name="indicator",
            name="statistic",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="targets",
                to="indicators.statistic",
                verbose_name="statistic",
            ),
        ),
        migrations.AddField(
            model_name="figure",
            name="statistic",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="figures",
                to="indicators.statistic",
                verbose_name="statistic",
            ),
        ),
        migrations.AddField(
            model_name="historicalfigure",
            name="statistic",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="indicators.statistic",
                verbose_name="statistic",
            ),
        ),
        migrations.RunPython(statistics_from_indicators, indicators_from_statistics),
    ]
