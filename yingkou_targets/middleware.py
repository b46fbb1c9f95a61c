from django.conf import settings


class IgnoreBrowserLanguageMiddleware:
    """Chinese unless the user picks English in the menu (a cookie). The browser's Accept-Language
    is ignored: city staff often run English-language browsers and must still get Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Sends settings.PERMISSIONS_POLICY: the browser features (camera, location...) no page uses, refused."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
