"""/healthz: for a monitor or the proxy; says only whether the application and its database
answer. No version, no counts, no host names, nothing about the request (it is not logged)."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .selectors import database_answers


@never_cache
@require_safe
def healthz(request):
    if database_answers():
        return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
    return HttpResponse("unavailable\n", status=503, content_type="text/plain; charset=utf-8")
