# Video calls (docs/calls.md): how long a scheduled call's video call lasted, and the two
# activity kinds a call leaves.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workrooms", "0004_money_rule"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="held_seconds",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="activity",
            name="kind",
            field=models.CharField(
                choices=[
                    ("member.joined", "Member joined"),
                    ("status.changed", "Status changed"),
                    ("file.shared", "File shared"),
                    ("file.version", "New file version"),
                    ("file.deleted", "File deleted"),
                    ("deadline.set", "Deadline set"),
                    ("deadline.changed", "Deadline changed"),
                    ("deadline.submitted", "Deadline submitted"),
                    ("deadline.approved", "Deadline approved"),
                    ("deadline.changes_requested", "Changes requested"),
                    ("call.proposed", "Call proposed"),
                    ("call.accepted", "Call accepted"),
                    ("call.rescheduled", "Call rescheduled"),
                    ("call.cancelled", "Call cancelled"),
                    ("call.held", "Video call held"),
                    ("call.notes", "Call notes posted"),
                ],
                max_length=32,
            ),
        ),
    ]
