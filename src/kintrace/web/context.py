from django.conf import settings


def kintrace(request):
    return {"KINTRACE_MODE": settings.MODE}
