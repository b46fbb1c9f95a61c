import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("indicators", "0005_upload_hardening")]

    operations = [
        migrations.AddField(
            model_name="recomputerun",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="attempts"),
        ),
        migrations.AddField(
            model_name="recomputerun",
            name="heartbeat_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="last sign of life"),
        ),
        migrations.AddField(
            model_name="recomputerun",
            name="indicator_ids",
            field=models.JSONField(blank=True, null=True, verbose_name="indicators"),
        ),
        migrations.AddField(
            model_name="recomputerun",
            name="task_id",
            field=models.CharField(blank=True, db_index=True, max_length=50, verbose_name="task id"),
        ),
        migrations.AlterField(
            model_name="recomputerun",
            name="status",
            field=models.CharField(
                choices=[
                    ("queued", "Queued"),
                    ("running", "Running"),
                    ("done", "Done"),
                    ("failed", "Failed"),
                    ("superseded", "Superseded"),
                ],
                default="queued",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.CreateModel(
            name="PendingRecompute",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="changed at")),
                (
                    "indicator",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="indicators.indicator",
                        verbose_name="indicator",
                    ),
                ),
            ],
            options={"verbose_name": "pending recompute", "verbose_name_plural": "pending recomputes"},
        ),
    ]
