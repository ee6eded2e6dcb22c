# Served files (attachments, photos) are never run as a page: no scripts, no plugins, no
# requests, whatever they hold. Set on such responses by the views that serve them.
SANDBOX_CSP = "sandbox; default-src 'none'; img-src 'self'"


class SecurityHeadersMiddleware:
    """Strict headers on every response: nothing is loaded from outside this server."""

    CSP = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; object-src 'none'"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.CSP)
        response.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


class NoStoreMiddleware:
    """No page is kept by a browser or a proxy: almost every page carries a name, a receipt or a
    reporter's words, and the back button or disk cache of a shared or seized computer must
    not show them again. Only responses that say they are public (the app's static files)
    may be cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils.cache import add_never_cache_headers

        response = self.get_response(request)
        if "public" not in response.get("Cache-Control", ""):
            add_never_cache_headers(response)
        return response
