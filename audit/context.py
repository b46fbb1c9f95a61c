"""The request being served, for audit entries written where no request is at hand (model signals, services)."""

from contextvars import ContextVar

_request = ContextVar("audit_request", default=None)


def current_request():
    """The request this thread is serving, or None (a command, a Celery task, a test calling a service)."""
    return _request.get()


def serving(request):
    """Marks `request` as the one being served; returns the token to give back to `done`."""
    return _request.set(request)


def done(token):
    _request.reset(token)
