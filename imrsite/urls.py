"""One namespaced include per room. The rooms share the site's paths (a case's page, its
records, its letters and its Assign page all sit under cases/<number>/), so each is mounted at
the root; the intake room comes before the case file, whose cases/<number>/ would otherwise
take cases/new/."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from accounts.signin import SignInView

urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("", include("cases.api.token_urls")),
    path("admin/", admin.site.urls),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("cases.api.urls")),
    path("", include("cases.intake.urls")),
    path("", include("cases.records.urls")),
    path("", include("cases.clockpages.urls")),
    path("", include("cases.integrity.urls")),
    path("", include("cases.casefile.urls")),
    path("", include("cases.auditlog.urls")),
    path("", include("reviews.roster.urls")),
    path("", include("reviews.assignment.urls")),
    path("", include("reviews.precedents.urls")),
    path("", include("reviews.determination.urls")),
    path("", include("reviews.quality.urls")),
    path("", include("reviews.letters.urls")),
    path("", include("reviews.reports.urls")),
    path("", include("ops.urls")),
]

# Our error pages (ops.errors): the site's templates, JSON on /api/ paths.
handler400 = "ops.errors.bad_request"
handler403 = "ops.errors.permission_denied"
handler404 = "ops.errors.page_not_found"
handler500 = "ops.errors.server_error"
