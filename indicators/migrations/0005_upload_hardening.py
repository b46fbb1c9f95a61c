from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("indicators", "0004_dashboards")]

    operations = []
