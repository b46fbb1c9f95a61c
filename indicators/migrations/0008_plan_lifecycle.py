import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FIRST_SLUG = "yingkou-14th"  # the one plan loaded before plans had a life: fixtures/plan.toml's slug


def name_and_activate(apps, schema_editor):
    """The plans loaded so far were in use: they become active, the first one named as its catalogue names it."""
    Plan = apps.get_model("indicators", "Plan")
    for index, plan in enumerate(Plan.objects.order_by("pk")):
        plan.slug = FIRST_SLUG if index == 0 else f"plan-{plan.pk}"
        plan.status = "active"
        plan.save(update_fields=["slug", "status"])


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0007_review_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="plan",
            name="fictional",
            field=models.BooleanField(default=False, verbose_name="illustrative, not an official plan"),
        ),
        migrations.AddField(
            model_name="plan",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
                default="draft",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="plan",
            name="slug",
            # No index yet: the AlterField below adds the unique one (an index here would make PostgreSQL's
            # "_like" index twice).
            field=models.SlugField(null=True, db_index=False, verbose_name="short name"),
        ),
        migrations.RunPython(name_and_activate, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="plan",
            name="slug",
            field=models.SlugField(
                help_text="Names the plan in addresses and commands.", unique=True, verbose_name="short name"
            ),
        ),
        migrations.CreateModel(
            name="PlanEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "from_status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
                        max_length=10,
                        verbose_name="from",
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
                        max_length=10,
                        verbose_name="to",
                    ),
                ),
                ("reason", models.TextField(verbose_name="reason")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="at")),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="indicators.plan",
                        verbose_name="plan",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="by",
                    ),
                ),
            ],
            options={
                "verbose_name": "plan status change",
                "verbose_name_plural": "plan status changes",
                "ordering": ["plan", "at", "pk"],
            },
        ),
    ]
