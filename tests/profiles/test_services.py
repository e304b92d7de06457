"""Profiles, skills, photos and work samples through their services."""

from datetime import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from core.exceptions import Invalid
from profiles import selectors, services
from profiles.models import Profile, ProfileSkill, Skill, User, WorkSample
from profiles.services import media
from tests.factories import UserFactory
from tests.profiles.conftest import WORDS_120, fill_profile, image_bytes, upload

pytestmark = pytest.mark.django_db


class TestEveryUserHasAProfile:
    def test_factory_manager_and_superuser(self):
        made = [
            UserFactory(),
            User.objects.create_user("a@example.com", "pw-12345678", name="A Person"),
            User.objects.create_superuser("b@example.com", "pw-12345678", name="B Person"),
        ]
        assert all(Profile.objects.filter(user=user).exists() for user in made)

    def test_signup_makes_one(self, client):
        client.post(
            "/accounts/signup/",
            {
                "name": "Sam Rivera",
                "email": "sam@example.com",
                "role": "freelancer",
                "password1": "a-long-unusual-passphrase",
                "password2": "a-long-unusual-passphrase",
            },
        )
        user = User.objects.get(email="sam@example.com")
        assert user.profile.role == "freelancer"

    def test_saving_again_makes_no_second_one(self, freelancer_user):
        freelancer_user.name = "Sam R."
        freelancer_user.save()
        assert Profile.objects.filter(user=freelancer_user).count() == 1

    def test_the_data_migration_fills_gaps(self, freelancer_user):
        from importlib import import_module
        from types import SimpleNamespace

        from django.apps import apps
        from django.db import connection

        Profile.objects.filter(user=freelancer_user).delete()
        migration = import_module("profiles.migrations.0003_profiles_for_existing_users")
        migration.create_missing_profiles(apps, SimpleNamespace(connection=connection))
        assert Profile.objects.filter(user=freelancer_user).exists()


class TestSkills:
    @pytest.mark.parametrize("typed", ["django", "  Django ", "DJANGO", "dJaNgO"])
    def test_one_skill_whatever_the_case_or_spacing(self, typed):
        first = services.skill_get_or_create(name="Django")
        assert services.skill_get_or_create(name=typed) == first
        assert Skill.objects.count() == 1

    def test_known_skills_are_shown_in_their_usual_spelling(self):
        assert services.skill_get_or_create(name="postgresql").name == "PostgreSQL"
        assert services.skill_get_or_create(name="node.JS").name == "Node.js"
        assert services.skill_get_or_create(name="react   native").name == "React Native"

    def test_unknown_lowercase_gets_a_capital_mixed_case_is_kept(self):
        assert services.skill_get_or_create(name="pottery glazing").name == "Pottery glazing"
        assert services.skill_get_or_create(name="HubSpot CRM").name == "HubSpot CRM"

    def test_the_database_refuses_a_duplicate(self):
        Skill.objects.create(name="Figma")
        with pytest.raises(IntegrityError):
            Skill.objects.create(name=" figma ")

    def test_profile_skills_keep_the_order_given_and_drop_duplicates(self, freelancer_user):
        fill_profile(freelancer_user, skills=["React", "django", "Django ", "PostgreSQL"])

        names = list(
            ProfileSkill.objects.filter(profile=freelancer_user.profile)
            .order_by("position")
            .values_list("skill__name", flat=True)
        )
        assert names == ["React", "Django", "PostgreSQL"]

    def test_too_many_skills(self, freelancer_user):
        with pytest.raises(ValidationError) as caught:
            fill_profile(freelancer_user, skills=[f"Skill {n}" for n in range(16)])
        assert "at most 15" in caught.value.message_dict["skills"][0]


class TestProfileUpdate:
    def test_saves_every_field_and_the_name_and_handle(self, freelancer_user):
        profile = fill_profile(
            freelancer_user,
            name="Sam  Rivera-Lopez",
            handle="Sam-Codes",
            title="Full-stack Django developer",
            overview="  I build things.  ",
            hourly_rate="85.50",
            rate_currency="EUR",
            availability="part_time",
            timezone="Europe/Lisbon",
            country="PT",
            languages="English, Portuguese, english",
            work_start=time(8, 30),
            work_end=time(16, 30),
            work_days=[4, 0, 2],
        )

        profile.refresh_from_db()
        user = User.objects.get(pk=freelancer_user.pk)
        assert (user.name, user.handle) == ("Sam Rivera-Lopez", "sam-codes")
        assert profile.overview == "I build things."
        assert profile.hourly_rate == Decimal("85.50")
        assert profile.languages == ["English", "Portuguese"]
        assert profile.work_days == [0, 2, 4]
        assert profile.local_now().tzinfo.key == "Europe/Lisbon"

    @pytest.mark.parametrize(
        "data,field,message",
        [
            ({"hourly_rate": "-5"}, "hourly_rate", "Enter a rate above 0."),
            ({"hourly_rate": "0"}, "hourly_rate", "Enter a rate above 0."),
            ({"hourly_rate": "10000.01"}, "hourly_rate", "at most 10,000"),
            ({"timezone": "Mars/Olympus_Mons"}, "timezone", "not a timezone we know"),
            ({"overview": "x" * 5001}, "overview", "under 5,000 characters"),
            ({"work_start": time(18), "work_end": time(9)}, "work_end", "end after they start"),
            ({"work_days": []}, "work_days", "at least one working day"),
            ({"handle": "x"}, "handle", "3–30 characters"),
        ],
    )
    def test_refuses_bad_input_and_changes_nothing(self, freelancer_user, data, field, message):
        fill_profile(freelancer_user, title="Before", timezone="Europe/Berlin")

        with pytest.raises(ValidationError) as caught:
            fill_profile(freelancer_user, title="After", **data)

        assert message in " ".join(caught.value.message_dict[field])
        profile = Profile.objects.get(pk=freelancer_user.pk)
        assert (profile.title, profile.timezone) == ("Before", "Europe/Berlin")

    def test_reports_every_problem_at_once(self, freelancer_user):
        with pytest.raises(ValidationError) as caught:
            fill_profile(freelancer_user, hourly_rate="-1", timezone="Nowhere/City")
        assert {"hourly_rate", "timezone"} <= set(caught.value.message_dict)

    def test_reports_the_user_profile_hours_and_skills_problems_together(self, freelancer_user):
        with pytest.raises(ValidationError) as caught:
            fill_profile(
                freelancer_user,
                handle="x",
                work_days=[9],
                work_start=time(18),
                work_end=time(9),
                skills=[f"Skill {n}" for n in range(16)],
            )
        assert set(caught.value.message_dict) == {"handle", "work_days", "work_end", "skills"}
        assert Profile.objects.get(pk=freelancer_user.pk).work_start == time(9)

    def test_a_taken_handle(self, freelancer_user, client_user):
        with pytest.raises(ValidationError) as caught:
            fill_profile(freelancer_user, handle=client_user.handle)
        assert "handle" in caught.value.message_dict

    def test_unknown_fields_are_a_programming_error(self, freelancer_user):
        with pytest.raises(ValueError):
            services.profile_update(profile=freelancer_user.profile, data={"is_staff": True})

    def test_the_timezone_cache_follows_after_commit(
        self, freelancer_user, django_capture_on_commit_callbacks
    ):
        key = services.timezone_cache_key(freelancer_user.pk)
        assert selectors.timezone_for_user(user_id=freelancer_user.pk) == ""
        with django_capture_on_commit_callbacks(execute=True):
            fill_profile(freelancer_user, timezone="Asia/Tokyo")
        assert cache.get(key) == "Asia/Tokyo"


class TestPhotos:
    def test_upload_stores_a_server_named_webp_and_thumbnails_after_commit(
        self, freelancer_user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            profile = services.profile_set_photo(
                profile=freelancer_user.profile, upload=upload(image_bytes("JPEG"), "me.jpg")
            )

        profile.refresh_from_db()
        assert profile.photo.name.startswith("photos/") and profile.photo.name.endswith(".webp")
        assert "me" not in profile.photo.name.rsplit("/", 1)[-1]
        assert profile.photo_thumb.name.endswith("-thumb.webp")
        assert profile.photo.storage.exists(profile.photo_thumb.name)

    def test_replacing_deletes_the_old_files(
        self, freelancer_user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = services.profile_set_photo(
                profile=freelancer_user.profile, upload=upload(image_bytes("PNG"))
            )
        first.refresh_from_db()
        old = (first.photo.name, first.photo_thumb.name)
        with django_capture_on_commit_callbacks(execute=True):
            services.profile_set_photo(profile=first, upload=upload(image_bytes("PNG")))

        storage = first.photo.storage
        assert not any(storage.exists(name) for name in old)

    def test_a_bad_image_keeps_the_current_photo(
        self, freelancer_user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.profile_set_photo(
                profile=freelancer_user.profile, upload=upload(image_bytes("PNG"))
            )
        before = Profile.objects.get(pk=freelancer_user.pk).photo.name

        with pytest.raises(Invalid) as caught:
            services.profile_set_photo(
                profile=freelancer_user.profile, upload=upload(b"<html></html>", "x.png")
            )

        assert caught.value.extra["reason"] == "not_an_image"
        assert Profile.objects.get(pk=freelancer_user.pk).photo.name == before

    def test_a_stale_thumbnail_task_changes_nothing(self, freelancer_user):
        profile = services.profile_set_photo(
            profile=freelancer_user.profile, upload=upload(image_bytes("PNG"))
        )
        services.profile_photo_make_thumbnail(user_id=profile.pk, photo_name="photos/gone.webp")
        profile.refresh_from_db()
        assert not profile.photo_thumb


class TestWorkSamples:
    def _add(self, user, title, **kwargs):
        return services.work_sample_create(
            profile=user.profile, title=title, description="What I did.", **kwargs
        )

    def test_samples_are_added_in_order_and_can_move(self, freelancer_user):
        a, b, c = (self._add(freelancer_user, t) for t in "ABC")

        services.work_sample_move(sample=c, offset=-1)
        services.work_sample_move(sample=c, offset=-1)
        services.work_sample_move(sample=c, offset=-1)  # already first: stays

        order = list(
            WorkSample.objects.filter(profile=freelancer_user.profile).values_list(
                "title", flat=True
            )
        )
        assert order == ["C", "A", "B"]

    def test_with_an_image(self, freelancer_user, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            sample = self._add(
                freelancer_user, "Dashboard", image=upload(image_bytes("PNG", size=(1600, 1000)))
            )
        sample.refresh_from_db()
        assert sample.image.name.startswith("samples/")
        assert sample.image_thumb.name.endswith("-thumb.webp")

    def test_a_bad_image_adds_nothing(self, freelancer_user):
        with pytest.raises(Invalid) as caught:
            self._add(freelancer_user, "Broken", image=upload(b"GIF89a....", "x.png"))
        assert caught.value.extra["reason"] == "format"
        assert not WorkSample.objects.exists()

    def test_update_and_remove_the_image(self, freelancer_user, django_capture_on_commit_callbacks):
        sample = self._add(freelancer_user, "Site", image=upload(image_bytes("PNG")))
        image_name = sample.image.name
        with django_capture_on_commit_callbacks(execute=True):
            services.work_sample_update(
                sample=sample,
                title="Site v2",
                description="Better.",
                link="https://example.com",
                is_public=False,
                remove_image=True,
            )
        sample.refresh_from_db()
        assert (sample.title, sample.is_public, sample.image.name) == ("Site v2", False, "")
        assert not sample.image.storage.exists(image_name)

    def test_delete_removes_the_files(self, freelancer_user, django_capture_on_commit_callbacks):
        sample = self._add(freelancer_user, "Site", image=upload(image_bytes("PNG")))
        storage, name = sample.image.storage, sample.image.name
        with django_capture_on_commit_callbacks(execute=True):
            services.work_sample_delete(sample=sample)
        assert not WorkSample.objects.exists()
        assert not storage.exists(name)

    def test_a_limit_on_samples(self, freelancer_user, monkeypatch):
        monkeypatch.setattr(media, "MAX_WORK_SAMPLES", 2)
        self._add(freelancer_user, "One")
        self._add(freelancer_user, "Two")
        with pytest.raises(ValidationError):
            self._add(freelancer_user, "Three")


class TestCompleteness:
    def test_a_new_freelancer_starts_at_zero_with_every_step(self, freelancer_user):
        meter = selectors.completeness_for_user(user=freelancer_user)
        assert meter.percent == 0
        labels = [step.label for step in meter.todo]
        assert labels[:1] == ["Add a profile photo"]
        assert "Write an overview of at least 100 words" in labels
        assert "Add 3 skills" in labels
        assert "Add a work sample" in labels

    def test_steps_add_up_to_one_hundred(self, freelancer_user):
        fill_profile(
            freelancer_user,
            title="Developer",
            overview=WORDS_120,
            hourly_rate="50",
            availability="full_time",
            timezone="Europe/Berlin",
            skills=["Python", "Django", "SQL"],
        )
        assert selectors.completeness_for_user(user=freelancer_user).percent == 70

        services.profile_set_photo(profile=freelancer_user.profile, upload=upload(image_bytes()))
        services.work_sample_create(
            profile=freelancer_user.profile, title="Site", description="Built it."
        )
        meter = selectors.completeness_for_user(user=freelancer_user)
        assert meter.percent == 100
        assert meter.complete and not meter.todo

    def test_partial_progress_is_described(self, freelancer_user):
        fill_profile(freelancer_user, overview="Just a few words here.", skills=["Python"])
        steps = {s.key: s for s in selectors.completeness_for_user(user=freelancer_user).steps}
        assert steps["overview"].detail == "5 of 100 words"
        assert steps["skills"].detail == "1 of 3"

    def test_clients_have_their_own_steps(self, client_user):
        fill_profile(client_user, title="Founder", timezone="America/New_York")
        meter = selectors.completeness_for_user(user=client_user)
        assert meter.percent == 50
        assert {s.key for s in meter.steps} == {"photo", "title", "overview", "timezone"}
