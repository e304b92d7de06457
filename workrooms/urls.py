from django.urls import path

from workrooms import call_views, views

app_name = "workrooms"

room = "workrooms/<int:workroom_id>/"

urlpatterns = [
    path("workrooms/", views.workroom_list, name="list"),
    path("workrooms/new/", views.workroom_new, name="new"),
    path(room, views.workroom_detail, name="detail"),
    path(room + "panels/<str:name>/", views.panel, name="panel"),
    path(room + "status/", views.set_status, name="status"),
    path(room + "files/", views.file_upload, name="file_upload"),
    path(room + "files/<int:file_id>/download/", views.file_download, name="file_download"),
    path(
        room + "files/<int:file_id>/versions/<int:number>/download/",
        views.file_download,
        name="version_download",
    ),
    path(
        room + "files/<int:file_id>/versions/<int:number>/preview/",
        views.file_preview,
        name="version_preview",
    ),
    path(room + "files/<int:file_id>/delete/", views.file_delete, name="file_delete"),
    path(room + "deadlines/", views.deadline_new, name="deadline_new"),
    path(room + "deadlines/<int:deadline_id>/edit/", views.deadline_edit, name="deadline_edit"),
    path(
        room + "deadlines/<int:deadline_id>/submit/", views.deadline_submit, name="deadline_submit"
    ),
    path(
        room + "deadlines/<int:deadline_id>/review/", views.deadline_review, name="deadline_review"
    ),
    path(room + "call/", call_views.workroom_call, name="call"),
    path(room + "calls/", views.call_new, name="call_new"),
    path(room + "calls/<int:call_id>/accept/", views.call_accept, name="call_accept"),
    path(room + "calls/<int:call_id>/reschedule/", views.call_reschedule, name="call_reschedule"),
    path(room + "calls/<int:call_id>/cancel/", views.call_cancel, name="call_cancel"),
    path(room + "calls/<int:call_id>/call.ics", views.call_ics, name="call_ics"),
]
