from django.urls import path
from django.views.generic import RedirectView

from kintrace.accounts.access import ALL_ROLES, staff_required

from . import views

app_name = "registry"
urlpatterns = [
    path("", views.search, name="search"),
    path("persons/", views.person_list, name="persons"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<id:pk>/", views.person_detail, name="person"),
    path("persons/<id:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<id:pk>/names/", views.person_name_add, name="person_name_add"),
    path("persons/<id:person_pk>/events/new/", views.event_create, name="event_create"),
    path("events/<id:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<id:pk>/delete/", views.event_delete, name="event_delete"),
    path("deleted-events/<id:pk>/restore/", views.event_restore, name="event_restore"),
    path("persons/<id:pk>/facility/", views.facility_resolve, name="facility_resolve"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<id:pk>/decide/", views.conflict_resolve, name="conflict_resolve"),
    path("events/<id:pk>/citations/", views.citation_add, name="citation_add"),
    path("citations/<id:pk>/remove/", views.citation_remove, name="citation_remove"),
    path("facilities/", views.facility_list, name="facilities"),
    path("facilities/new/", views.facility_create, name="facility_create"),
    path("facilities/<id:pk>/", views.facility_detail, name="facility"),
    path("facilities/<id:pk>/edit/", views.facility_edit, name="facility_edit"),
    path("sources/", views.source_list, name="sources"),
    path("sources/new/", views.source_create, name="source_create"),
    path("sources/<id:pk>/", views.source_detail, name="source"),
    path("sources/<id:pk>/edit/", views.source_edit, name="source_edit"),
    # The numbers moved to their own app (kintrace.figures); old links and bookmarks follow.
    path(
        "numbers/",
        staff_required(*ALL_ROLES)(RedirectView.as_view(pattern_name="numbers:index")),
        name="numbers",
    ),
]
