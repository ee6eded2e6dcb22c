from django.conf import settings

from kintrace.intake.selectors import unread_report_count


def kintrace(request):
    context: dict[str, object] = {"KINTRACE_MODE": settings.MODE}
    user = getattr(request, "user", None)
    # The staff menu's count of reports with unread follow-ups: only for staff who may see
    # reports (never analysts, never the public pages).
    if user is not None and user.is_authenticated and getattr(user, "sees_names", False):
        context["unread_reports"] = unread_report_count()
    return context
