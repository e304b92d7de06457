"""The skill filter as an indexed array on both search tables. PostgreSQL only, like 0004.

Filtering by skill through ProfileSkill ran a subquery for every match; an int[] with a GIN
index lets PostgreSQL combine the skill filter and the text match in two bitmap index scans.
"""

import django.contrib.postgres.fields
import django.contrib.postgres.indexes
from django.db import migrations, models

TABLES = {
    "profilesearchdocument": "profile_search_skills_gin",
    "profilesearchhead": "profile_search_head_skills_gin",
}


def create_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name, index_name in TABLES.items():
        model = apps.get_model("profiles", model_name)
        schema_editor.add_field(model, model._meta.get_field("skill_ids"))
        index = next(i for i in model._meta.indexes if i.name == index_name)
        schema_editor.add_index(model, index)
    # Fill the arrays of the profiles already indexed (the services' SQL, as at this migration).
    from profiles.search import search_documents_refresh

    Document = apps.get_model("profiles", "ProfileSearchDocument")
    search_documents_refresh(
        profile_ids=Document.objects.values_list("profile_id", flat=True),
        connection=schema_editor.connection,
    )


def drop_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in TABLES:
        model = apps.get_model("profiles", model_name)
        schema_editor.remove_field(model, model._meta.get_field("skill_ids"))


def skill_ids_field():
    return django.contrib.postgres.fields.ArrayField(
        base_field=models.BigIntegerField(), default=list, size=None
    )


class Migration(migrations.Migration):
    dependencies = [("profiles", "0005_search_head_and_filters")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="profilesearchdocument", name="skill_ids", field=skill_ids_field()
                ),
                migrations.AddField(
                    model_name="profilesearchhead", name="skill_ids", field=skill_ids_field()
                ),
                migrations.AddIndex(
                    model_name="profilesearchdocument",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["skill_ids"], name="profile_search_skills_gin"
                    ),
                ),
                migrations.AddIndex(
                    model_name="profilesearchhead",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["skill_ids"], name="profile_search_head_skills_gin"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(create_on_postgresql, drop_on_postgresql),
    ]
