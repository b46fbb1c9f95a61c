from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("indicators", "0005_upload_hardening")]

    operations = []
