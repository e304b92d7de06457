"""Rooms opened before conversations knew their home: point each chat at its room's page."""

from django.db import migrations
from django.urls import reverse


def set_homes(apps, schema_editor):
    Workroom = apps.get_model("workrooms", "Workroom")
    Conversation = apps.get_model("messaging", "Conversation")
    for room_id, conversation_id in Workroom.objects.values_list("pk", "conversation_id"):
        Conversation.objects.filter(pk=conversation_id, home_url="").update(
            home_url=reverse("workrooms:detail", args=[room_id])
        )


class Migration(migrations.Migration):
    dependencies = [
        ("workrooms", "0002_files_deadlines_calls_activity"),
        ("messaging", "0003_conversation_home_url"),
    ]

    operations = [migrations.RunPython(set_homes, migrations.RunPython.noop)]
