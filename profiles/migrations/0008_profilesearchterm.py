"""Search terms: each word of a profile's head with its ts_rank, for ranking by an index.

PostgreSQL only, like 0004: the state changes everywhere, the table only where it can exist.
On PostgreSQL this creates the table, its (word, rank, profile) index and a cascading foreign
key, and fills it from the heads already stored, with its own SQL (not the services', which
may change after this migration).
"""

import django.db.models.deletion
from django.db import migrations, models

FILL = """
    INSERT INTO profiles_profilesearchterm (profile_id, lexeme, rank)
    SELECT h.profile_id, t.lexeme,
           ts_rank(h.head, ('''' || replace(replace(t.lexeme, '\\', '\\\\'), '''', '''''')
                            || '''')::tsquery)
    FROM profiles_profilesearchhead h, unnest(h.head) t
"""


def create_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Term = apps.get_model("profiles", "ProfileSearchTerm")
    Profile = apps.get_model("profiles", "Profile")
    schema_editor.create_model(Term)
    # Filled before the foreign key exists: an insert under the deferred constraint would leave
    # trigger events pending, and the index, created when the schema editor closes, refuses a
    # table with pending events.
    schema_editor.execute(FILL)
    quote = schema_editor.quote_name
    schema_editor.execute(
        f"ALTER TABLE {quote(Term._meta.db_table)} "
        f"ADD CONSTRAINT {quote('profile_search_term_profile_fk')} "
        f"FOREIGN KEY ({quote('profile_id')}) "
        f"REFERENCES {quote(Profile._meta.db_table)} ({quote('user_id')}) "
        "ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED"
    )


def drop_on_postgresql(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.delete_model(apps.get_model("profiles", "ProfileSearchTerm"))


class Migration(migrations.Migration):
    dependencies = [("profiles", "0007_profileskill_skill_position_index")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProfileSearchTerm",
                    fields=[
                        (
                            "pk",
                            models.CompositePrimaryKey(
                                "profile_id",
                                "lexeme",
                                blank=True,
                                editable=False,
                                primary_key=True,
                                serialize=False,
                            ),
                        ),
                        ("lexeme", models.TextField()),
                        ("rank", models.FloatField()),
                        (
                            "profile",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="profiles.profile",
                            ),
                        ),
                    ],
                    options={
                        "indexes": [
                            models.Index(
                                fields=["lexeme", "-rank", "profile"],
                                name="profile_search_term_rank",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(create_on_postgresql, drop_on_postgresql),
    ]
