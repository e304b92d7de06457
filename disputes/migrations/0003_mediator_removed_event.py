from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0002_money_rule"),
    ]

    operations = [
        migrations.AlterField(
            model_name="disputeevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("opened", "Opened"),
                    ("evidence_added", "Evidence added"),
                    ("message", "Message"),
                    ("escalated", "Escalated to mediation"),
                    ("mediator_assigned", "Mediator assigned"),
                    ("mediator_removed", "Mediator removed"),
                    ("proposal_made", "Proposal made"),
                    ("accepted", "Proposal accepted"),
                    ("rejected", "Proposal rejected"),
                    ("proposal_expired", "Proposal expired"),
                    ("stage_expired", "Response time passed"),
                    ("note_added", "Internal note added"),
                    ("resolved", "Resolved"),
                    ("withdrawn", "Withdrawn"),
                    ("closed", "Closed"),
                ],
                max_length=24,
            ),
        ),
    ]
