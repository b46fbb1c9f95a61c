"""Celery apps for tests that leave the eager default: a real worker on Redis, or a broker that is down.

Shared tasks (all of ours) follow the current app, so each helper makes its app current and gives the
project's app back afterwards; without that every later .delay() in the run would go elsewhere."""

from contextlib import contextmanager

from celery import Celery

from yingkou_targets.celery import app as project_app

# Nothing listens on port 1: connections are refused at once, as with Redis stopped.
CLOSED_PORT = "redis://127.0.0.1:1/0"


@contextmanager
def current_app(app):
    app.set_current()
    app.set_default()
    try:
        yield app
    finally:
        project_app.set_current()
        project_app.set_default()


@contextmanager
def broker_down():
    """The project's Celery settings (retry policies included) with its broker and result store down."""
    app = Celery("yingkou_targets_broker_down", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=CLOSED_PORT, result_backend=CLOSED_PORT, task_always_eager=False)
    with current_app(app):
        yield app
