from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("indicators", "0004_dashboards")]

    operations = [
        migrations.AddField(
            model_name="upload",
            name="problems",
            field=models.JSONField(blank=True, default=list, verbose_name="problems found"),
        ),
        migrations.AddField(
            model_name="upload",
            name="rows",
            field=models.JSONField(blank=True, default=list, verbose_name="parsed rows"),
        ),
    ]
