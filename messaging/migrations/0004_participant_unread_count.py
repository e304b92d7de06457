from django.db import migrations, models

# The stored counter starts as what selectors.unread_subquery counted (portable SQL: PostgreSQL
# and SQLite).
FILL = """
UPDATE messaging_participant SET unread_count = (
    SELECT COUNT(*) FROM messaging_message x
     WHERE x.conversation_id = messaging_participant.conversation_id
       AND x.seq > messaging_participant.last_read_seq
       AND x.kind = 'user' AND x.deleted_at IS NULL
       AND (x.sender_id IS NULL OR x.sender_id <> messaging_participant.user_id)
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0003_conversation_home_url"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="unread_count",
            field=models.IntegerField(default=0),
        ),
        migrations.RunSQL(FILL, migrations.RunSQL.noop),
    ]
