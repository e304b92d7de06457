"""Every user has a profile: make one for each user that existed before profiles did."""

from django.db import migrations


def create_missing_profiles(apps, schema_editor):
    User = apps.get_model("profiles", "User")
    Profile = apps.get_model("profiles", "Profile")
    db = schema_editor.connection.alias
    missing = User.objects.using(db).filter(profile__isnull=True).values_list("pk", flat=True)
    Profile.objects.using(db).bulk_create(
        [Profile(user_id=pk) for pk in missing.iterator()], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [("profiles", "0002_profile_skill_worksample_response_time")]

    operations = [migrations.RunPython(create_missing_profiles, migrations.RunPython.noop)]
