import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingkou_targets.settings")

app = Celery("yingkou_targets")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
