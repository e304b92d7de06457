"""A GIN index for full-text message search, on PostgreSQL only (SQLite has no GIN; search
falls back to a plain substring match there). The expression matches what
SearchVector("body", config="english") compiles to, so the planner can use it."""

from django.db import migrations

INDEX = "messaging_message_body_fts"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON messaging_message "
        "USING gin (to_tsvector('english'::regconfig, COALESCE(body, '')))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
