from django.urls import path

from . import views_public, views_triage

app_name = "intake"
urlpatterns = [
    path("", views_public.report_form, name="report"),
    path("receipt/", views_public.receipt, name="receipt"),
    path("receipt/done/", views_public.receipt_done, name="receipt_done"),
    path("inbox/", views_public.inbox, name="inbox"),
    path("inbox/add/", views_public.inbox_add, name="inbox_add"),
    path("inbox/review/<id:pk>/", views_public.inbox_review, name="inbox_review"),
    path("exit/", views_public.quick_exit, name="exit"),
    path("about-your-data/", views_public.about_data, name="about_data"),
    path("triage/", views_triage.queue, name="queue"),
    path("triage/<id:pk>/", views_triage.detail, name="detail"),
    path("triage/<id:pk>/link/", views_triage.link, name="link"),
    path("triage/<id:pk>/answer/", views_triage.answer, name="answer"),
    path("triage/<id:pk>/read/", views_triage.mark_read, name="mark_read"),
    path("triage/<id:pk>/close/", views_triage.close, name="close"),
    path("triage/attachment/<id:pk>/", views_triage.attachment, name="attachment"),
]
