"""A GIN index for full-text message search, on PostgreSQL only (SQLite has no GIN; search
falls back to a plain substring match there). The expression matches what
SearchVector("body", config="english") compiles to, so the planner can use it."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

INDEX = "messaging_message_body_fts"


def create_index(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON messaging_message "
        "USING gin (to_tsvector('english'::regconfig, COALESCE(body, '')))"
    )


def drop_index(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
