from django.urls import path

from profiles import account_views, views

app_name = "profiles"

urlpatterns = [
    path("freelancers/", views.freelancer_search, name="search"),
    path("u/<str:handle>/", views.profile_detail, name="detail"),
    path("u/<str:handle>/photo/<str:name>", views.photo, name="photo"),
    path(
        "u/<str:handle>/samples/<int:sample_id>/<str:name>",
        views.sample_image,
        name="sample_image",
    ),
    path("profile/edit/", views.profile_edit, name="edit"),
    path("profile/photo/", views.photo_upload, name="photo_upload"),
    path("profile/photo/remove/", views.photo_remove, name="photo_remove"),
    path("profile/samples/", views.sample_create, name="sample_create"),
    path("profile/samples/<int:sample_id>/", views.sample_edit, name="sample_edit"),
    path("profile/samples/<int:sample_id>/delete/", views.sample_delete, name="sample_delete"),
    path("profile/samples/<int:sample_id>/move/", views.sample_move, name="sample_move"),
    path("account/data/", account_views.account_data, name="account_data"),
    path(
        "account/data/download/",
        account_views.account_data_download,
        name="account_data_download",
    ),
    path("account/delete/", account_views.account_delete, name="account_delete"),
]
