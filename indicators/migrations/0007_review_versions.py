from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("indicators", "0006_recompute_runs")]

    operations = []
