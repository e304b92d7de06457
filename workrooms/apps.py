from django.apps import AppConfig


class WorkroomsConfig(AppConfig):
    name = "workrooms"
