from django.urls import path

from workrooms import views

app_name = "workrooms"

urlpatterns = [
    path("workrooms/", views.workroom_list, name="list"),
    path("workrooms/<int:workroom_id>/", views.workroom_detail, name="detail"),
]
