from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("two-factor/", views.two_factor_view, name="two_factor"),
    path("two-factor/setup/", views.totp_setup_view, name="totp_setup"),
    path("password/", views.password_change_view, name="password_change"),
    path("logout/", views.logout_view, name="logout"),
    path("staff/", views.staff_list_view, name="staff"),
    path("staff/new/", views.staff_create_view, name="staff_create"),
    path("staff/one-time-password/", views.staff_secret_view, name="staff_secret"),
    path("staff/<id:user_id>/", views.staff_detail_view, name="staff_detail"),
    path("staff/<id:user_id>/unlock/", views.staff_unlock_view, name="staff_unlock"),
    path(
        "staff/<id:user_id>/password-reset/",
        views.staff_password_reset_view,
        name="staff_password_reset",
    ),
    path(
        "staff/<id:user_id>/two-factor-reset/", views.staff_totp_reset_view, name="staff_totp_reset"
    ),
    path("staff/<id:user_id>/role/", views.staff_role_view, name="staff_role"),
    path("staff/<id:user_id>/grant/", views.staff_grant_view, name="staff_grant"),
    path("staff/<id:user_id>/deactivate/", views.staff_deactivate_view, name="staff_deactivate"),
]
