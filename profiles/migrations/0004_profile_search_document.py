"""Full-text search documents: a tsvector table with a GIN index, on PostgreSQL only.

The model exists in Django's state everywhere; its table only where the database can hold it.
On SQLite this migration does nothing (search falls back to icontains, profiles.selectors).
On PostgreSQL it creates the table and index and adds the foreign key with ON DELETE CASCADE (the
model says DO_NOTHING and db_constraint=False so that Django never looks for the table on
SQLite). There is nothing to fill: the profiles made by 0003 are still empty, and the services
write a profile's document whenever they save it.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


def create_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Document = apps.get_model("profiles", "ProfileSearchDocument")
    Profile = apps.get_model("profiles", "Profile")
    schema_editor.create_model(Document)
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(Document._meta.db_table)} "
        f"ADD CONSTRAINT {quote('profile_search_document_profile_fk')} "
        f"FOREIGN KEY ({quote('profile_id')}) "
        f"REFERENCES {quote(Profile._meta.db_table)} ({quote('user_id')}) "
        "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
    )


def drop_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.delete_model(apps.get_model("profiles", "ProfileSearchDocument"))


class Migration(migrations.Migration):
    dependencies = [("profiles", "0003_profiles_for_existing_users")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProfileSearchDocument",
                    fields=[
                        (
                            "profile",
                            models.OneToOneField(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                primary_key=True,
                                related_name="search_document",
                                serialize=False,
                                to="profiles.profile",
                            ),
                        ),
                        ("vector", django.contrib.postgres.search.SearchVectorField()),
                    ],
                    options={
                        "indexes": [
                            django.contrib.postgres.indexes.GinIndex(
                                fields=["vector"], name="profile_search_vector_gin"
                            )
                        ],
                    },
                ),
            ],
            # Nothing here: the RunPython below needs the model in its `apps`, which a
            # database operation of this SeparateDatabaseAndState would not see yet.
            database_operations=[],
        ),
        migrations.RunPython(create_on_postgresql, drop_on_postgresql),
    ]
