from . import policy


def session_policy(request):
    """What the idle warning (static/js/session.js) needs: seconds an idle session lasts and when to warn."""
    rules = policy.current()
    return {
        "session_idle_seconds": rules.session_idle_minutes * 60,
        "session_warning_seconds": rules.session_warning_minutes * 60,
    }
