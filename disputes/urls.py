from django.urls import path

from disputes import views

app_name = "disputes"

one = "disputes/<int:dispute_id>/"

urlpatterns = [
    path("disputes/", views.dispute_list, name="list"),
    path("workrooms/<int:workroom_id>/dispute/new/", views.dispute_new, name="new"),
    path(one, views.dispute_detail, name="detail"),
    path(one + "propose/", views.propose, name="propose"),
    path(one + "proposals/<int:resolution_id>/answer/", views.answer, name="answer"),
    path(one + "escalate/", views.escalate, name="escalate"),
    path(one + "withdraw/", views.withdraw, name="withdraw"),
    path(one + "evidence/", views.evidence_gallery, name="evidence"),
    path(one + "evidence/add/", views.evidence_upload, name="evidence_upload"),
    path(
        one + "evidence/<int:evidence_id>/download/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        one + "evidence/<int:evidence_id>/preview/",
        views.evidence_preview,
        name="evidence_preview",
    ),
]
