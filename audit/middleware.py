from . import context


class AuditContextMiddleware:
    """Makes the request known to audit entries written during it (see audit.context). After the
    authentication middleware, so that its user is the one signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.serving(request)
        try:
            return self.get_response(request)
        finally:
            context.done(token)
