from django.urls import path

from accounts import views

app_name = "account"
urlpatterns = [
    path("account/second-factor/", views.recovery_codes, name="second_factor"),
    path("account/second-factor/setup/", views.second_factor_setup, name="second_factor_setup"),
    path("account/second-factor/verify/", views.second_factor_verify, name="second_factor_verify"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/sign-out-elsewhere/", views.sign_out_elsewhere, name="sign_out_elsewhere"),
    path("account/session/", views.session_alive, name="session_alive"),
    path(
        "account/password/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path(
        "notifications/<int:notification_id>/",
        views.notification_open,
        name="notification_open",
    ),
]
