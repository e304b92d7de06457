from django.urls import path

from messaging import call_views, views

app_name = "messaging"

urlpatterns = [
    path("messages/", views.inbox, name="inbox"),
    path("messages/search/", views.search, name="search"),
    path("messages/with/<str:handle>/", views.open_direct, name="open_direct"),
    path("messages/<int:conversation_id>/", views.thread, name="thread"),
    path("messages/<int:conversation_id>/history/", views.history, name="history"),
    path(
        "messages/<int:conversation_id>/settings/",
        views.conversation_settings,
        name="conversation_settings",
    ),
    path(
        "messages/<int:conversation_id>/attachments/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "messages/<int:conversation_id>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("messages/<int:conversation_id>/call/", call_views.call, name="call"),
    path("messages/<int:conversation_id>/call/notes/", call_views.call_notes, name="call_notes"),
    path("messages/settings/", views.preferences, name="preferences"),
    path("messages/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("people/<str:handle>/block/", views.block, name="block"),
    path("people/<str:handle>/unblock/", views.unblock, name="unblock"),
    path("people/<str:handle>/report/", views.report, name="report"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notification_read_all, name="notifications_read_all"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification_read",
    ),
]
