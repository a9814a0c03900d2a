from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from jdbuilder import health
from jdbuilder.accounts import AdminSignInForm, SignInForm
from jdbuilder.compliance import admin as compliance_admin
from jdbuilder.publishing import feeds

admin.site.site_header = "JD Builder administration"
admin.site.site_title = "JD Builder admin"
admin.site.index_title = "Catalog and accounts"
admin.site.login_form = AdminSignInForm
# The index links the pay-transparency rules (read-only, from their data file).
admin.site.index_template = "admin/compliance/index.html"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("healthz/jobs", health.healthz_jobs, name="healthz_jobs"),
    path("", RedirectView.as_view(pattern_name="roles:list", permanent=False), name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SignInForm
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("roles/", include("roles.urls")),
    path("jd/", include("jdbuilder.urls_jd")),
    path("library/", include("jdbuilder.library.urls")),
    path("exports/", include("jdbuilder.exports.urls")),
    path("company/", include("jdbuilder.organization.urls")),
    path("reviews/", include("jdbuilder.approvals.urls")),
    path("shared/", include("jdbuilder.approvals.share_urls")),
    path("jobs/", include("jdbuilder.publishing.urls")),
    path("kits/", include("jdbuilder.kits.urls")),
    path("insights/", include("jdbuilder.insights.urls")),
    path("compliance/", include("jdbuilder.compliance.urls")),
    path("sitemap.xml", feeds.sitemap, name="sitemap"),
    path("robots.txt", feeds.robots, name="robots"),
    path("admin/compliance/pay-rules/", compliance_admin.pay_rules_view, name="admin_pay_rules"),
    path("admin/", admin.site.urls),
]
