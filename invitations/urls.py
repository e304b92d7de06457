from django.urls import path

from invitations import views

app_name = "invitations"

urlpatterns = [
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/new/", views.job_create, name="job_create"),
    path("jobs/<int:job_id>/", views.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/edit/", views.job_edit, name="job_edit"),
    path("jobs/<int:job_id>/close/", views.job_close, name="job_close"),
    path("invitations/", views.invitation_list, name="list"),
    path("invitations/new/", views.invitation_new, name="new"),
    path("invitations/<int:invitation_id>/", views.invitation_detail, name="detail"),
    path("invitations/<int:invitation_id>/accept/", views.invitation_accept, name="accept"),
    path("invitations/<int:invitation_id>/decline/", views.invitation_decline, name="decline"),
    path("invitations/<int:invitation_id>/withdraw/", views.invitation_withdraw, name="withdraw"),
]
