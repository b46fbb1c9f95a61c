"""Figures move from a plan's indicator to the statistic it measures, step 2 of 2 (see 0009): the links are
required, figures are unique per statistic, and an indicator's code is unique within its plan only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("indicators", "0009_statistics")]

    operations = [
        migrations.RemoveConstraint(model_name="figure", name="figure_unique_city"),
        migrations.RemoveConstraint(model_name="figure", name="figure_unique_region"),
        migrations.RemoveField(model_name="figure", name="indicator"),
        migrations.RemoveField(model_name="historicalfigure", name="indicator"),
        migrations.AlterField(
            model_name="figure",
            name="statistic",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="figures",
                to="indicators.statistic",
                verbose_name="statistic",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="plan",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="indicators",
                to="indicators.plan",
                verbose_name="plan",
            ),
        ),
        migrations.AlterField(
            model_name="indicator",
            name="statistic",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="targets",
                to="indicators.statistic",
                verbose_name="statistic",
            ),
        ),
        migrations.AlterField(
            model_name="indicator", name="code", field=models.CharField(max_length=40, verbose_name="code")
        ),
        migrations.AddConstraint(
            model_name="figure",
            constraint=models.UniqueConstraint(
                condition=models.Q(("region__isnull", True)),
                fields=("statistic", "year", "measure", "stage"),
                name="figure_unique_city",
            ),
        ),
        migrations.AddConstraint(
            model_name="figure",
            constraint=models.UniqueConstraint(
                condition=models.Q(("region__isnull", False)),
                fields=("statistic", "region", "year", "measure", "stage"),
                name="figure_unique_region",
            ),
        ),
        migrations.AddConstraint(
            model_name="indicator",
            constraint=models.UniqueConstraint(fields=("plan", "code"), name="indicator_code_unique_in_plan"),
        ),
    ]
