"""Search in two tiers: a narrow skills-and-title table, and filters copied into both tables.

PostgreSQL only, like 0004: the state changes everywhere, the tables only where they can exist.
On PostgreSQL this adds the columns to the document table, creates the head table with its GIN
index and a cascading foreign key, and rebuilds every document so the new columns are filled.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

NEW_DOCUMENT_FIELDS = ["head", "searchable", "availability", "hourly_rate", "rate_currency"]


def create_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Document = apps.get_model("profiles", "ProfileSearchDocument")
    Head = apps.get_model("profiles", "ProfileSearchHead")
    Profile = apps.get_model("profiles", "Profile")
    for name in NEW_DOCUMENT_FIELDS:
        schema_editor.add_field(Document, Document._meta.get_field(name))
    schema_editor.create_model(Head)
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(Head._meta.db_table)} "
        f"ADD CONSTRAINT {quote('profile_search_head_profile_fk')} "
        f"FOREIGN KEY ({quote('profile_id')}) "
        f"REFERENCES {quote(Profile._meta.db_table)} ({quote('user_id')}) "
        "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
    )
    # Fill the new columns and table for profiles that already have a document. This uses the
    # services' own SQL, as it is at this migration; a later change to it brings its migration.
    from profiles.search import search_documents_refresh

    search_documents_refresh(
        profile_ids=Document.objects.values_list("profile_id", flat=True),
        connection=schema_editor.connection,
    )


def drop_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Document = apps.get_model("profiles", "ProfileSearchDocument")
    schema_editor.delete_model(apps.get_model("profiles", "ProfileSearchHead"))
    for name in NEW_DOCUMENT_FIELDS:
        schema_editor.remove_field(Document, Document._meta.get_field(name))


class Migration(migrations.Migration):
    dependencies = [("profiles", "0004_profile_search_document")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="profilesearchdocument",
                    name="availability",
                    field=models.CharField(blank=True, max_length=16),
                ),
                migrations.AddField(
                    model_name="profilesearchdocument",
                    name="head",
                    field=django.contrib.postgres.search.SearchVectorField(null=True),
                ),
                migrations.AddField(
                    model_name="profilesearchdocument",
                    name="hourly_rate",
                    field=models.DecimalField(decimal_places=2, max_digits=8, null=True),
                ),
                migrations.AddField(
                    model_name="profilesearchdocument",
                    name="rate_currency",
                    field=models.CharField(blank=True, max_length=3),
                ),
                migrations.AddField(
                    model_name="profilesearchdocument",
                    name="searchable",
                    field=models.BooleanField(default=False),
                ),
                migrations.CreateModel(
                    name="ProfileSearchHead",
                    fields=[
                        (
                            "profile",
                            models.OneToOneField(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                primary_key=True,
                                related_name="search_head",
                                serialize=False,
                                to="profiles.profile",
                            ),
                        ),
                        ("head", django.contrib.postgres.search.SearchVectorField()),
                        ("searchable", models.BooleanField(default=False)),
                        ("availability", models.CharField(blank=True, max_length=16)),
                        (
                            "hourly_rate",
                            models.DecimalField(decimal_places=2, max_digits=8, null=True),
                        ),
                        ("rate_currency", models.CharField(blank=True, max_length=3)),
                    ],
                    options={
                        "indexes": [
                            django.contrib.postgres.indexes.GinIndex(
                                fields=["head"], name="profile_search_head_gin"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(create_on_postgresql, drop_on_postgresql),
    ]
