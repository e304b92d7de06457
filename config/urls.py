from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from config import views

# The admin's own login would bypass allauth's rate limits: route it through allauth.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Tandem administration"
admin.site.site_title = "Tandem admin"

urlpatterns = [
    path("", views.home, name="dashboard"),
    path("healthz/", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("profiles.urls")),
    path("", include("messaging.urls")),
    path("", include("workrooms.urls")),
    path("", include("invitations.urls")),
    path("", include("disputes.urls")),
]
