"""Pages and downloads: who may see and change what, and forms that keep what was typed."""

import pytest
from django.urls import reverse

from profiles import services
from profiles.models import Profile, WorkSample
from tests.factories import UserFactory
from tests.profiles.conftest import (
    HTML_PRETENDING,
    fill_profile,
    image_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def edit_data(user, **overrides):
    """Everything the edit form posts, as it would come from the page."""
    data = {
        "name": user.name,
        "handle": user.handle,
        "title": "Full-stack Django developer",
        "overview": "I build web products.",
        "skills": "Django, PostgreSQL",
        "hourly_rate": "85",
        "rate_currency": "USD",
        "availability": "full_time",
        "timezone": "Europe/Lisbon",
        "country": "PT",
        "languages": "English, Portuguese",
        "work_start": "09:00",
        "work_end": "17:30",
        "work_days": ["0", "1", "2", "3", "4"],
    }
    data.update(overrides)
    return data


def sample_for(user, *, public=True, with_image=True, title="Dashboard"):
    return services.work_sample_create(
        profile=user.profile,
        title=title,
        description="What I did.",
        is_public=public,
        image=upload(image_bytes("PNG")) if with_image else None,
    )


class TestSignInRequired:
    @pytest.mark.parametrize(
        "path", ["/u/someone/", "/profile/edit/", "/freelancers/?q=django", "/u/x/photo/a.webp"]
    )
    def test_anonymous_goes_to_login(self, client, path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


class TestProfilePage:
    def test_a_client_sees_message_and_invite(self, signed_in, client_user, freelancer_user):
        fill_profile(freelancer_user, title="Django developer", skills=["Django", "Celery"])
        page = signed_in(client_user).get(f"/u/{freelancer_user.handle}/").content.decode()

        assert f'action="/messages/with/{freelancer_user.handle}/"' in page
        assert 'name="csrfmiddlewaretoken"' in page
        assert f'href="/invitations/new/?freelancer={freelancer_user.handle}"' in page
        assert "Edit profile" not in page
        assert "Django developer" in page and "Celery" in page

    def test_a_freelancer_viewing_another_gets_message_but_no_invite(
        self, signed_in, freelancer_user
    ):
        other = UserFactory(role="freelancer", name="Alex Chen")
        page = signed_in(freelancer_user).get(f"/u/{other.handle}/").content.decode()
        assert "/messages/with/" in page
        assert "Invite to job" not in page

    def test_own_profile_shows_edit_instead(self, signed_in, freelancer_user):
        page = signed_in(freelancer_user).get(f"/u/{freelancer_user.handle}/").content.decode()
        assert "Edit profile" in page
        assert "/messages/with/" not in page
        assert "Invite to job" not in page

    def test_local_time_is_the_persons_own(self, signed_in, client_user, freelancer_user):
        from django.utils import timezone

        fill_profile(freelancer_user, timezone="Asia/Tokyo")
        response = signed_in(client_user).get(f"/u/{freelancer_user.handle}/")
        from zoneinfo import ZoneInfo

        tokyo_now = timezone.now().astimezone(ZoneInfo("Asia/Tokyo"))
        assert response.context["their_clock"] in {
            tokyo_now.strftime("%H:%M"),
            (tokyo_now - timezone.timedelta(minutes=1)).strftime("%H:%M"),
        }
        assert "9 h ahead of you" in response.content.decode()

    def test_unknown_and_deactivated_people_are_not_found(self, signed_in, client_user):
        gone = UserFactory(is_active=False)
        client = signed_in(client_user)
        assert client.get("/u/nobody-here/").status_code == 404
        assert client.get(f"/u/{gone.handle}/").status_code == 404

    def test_a_handle_in_capitals_redirects(self, signed_in, client_user, freelancer_user):
        response = signed_in(client_user).get(f"/u/{freelancer_user.handle.upper()}/")
        assert response.status_code == 301
        assert response["Location"] == f"/u/{freelancer_user.handle}/"

    def test_private_samples_only_for_the_owner(self, signed_in, client_user, freelancer_user):
        sample_for(freelancer_user, public=True, title="Shown to all")
        sample_for(freelancer_user, public=False, title="Draft case study")

        theirs = signed_in(client_user).get(f"/u/{freelancer_user.handle}/").content.decode()
        assert "Shown to all" in theirs and "Draft case study" not in theirs

        mine = signed_in(freelancer_user).get(f"/u/{freelancer_user.handle}/").content.decode()
        assert "Draft case study" in mine

    def test_user_content_is_escaped(self, signed_in, client_user, freelancer_user):
        fill_profile(freelancer_user, title="<script>alert(1)</script>")
        page = signed_in(client_user).get(f"/u/{freelancer_user.handle}/").content.decode()
        assert "<script>alert(1)</script>" not in page


class TestFiles:
    def test_any_signed_in_user_sees_a_photo_inline_without_sniffing(
        self, signed_in, client_user, freelancer_user
    ):
        profile = services.profile_set_photo(
            profile=freelancer_user.profile, upload=upload(image_bytes())
        )
        response = signed_in(client_user).get(profile.photo_url)

        assert response.status_code == 200
        assert response["Content-Type"] == "image/webp"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("inline")
        assert "private" in response["Cache-Control"]
        assert b"".join(response.streaming_content)[:4] == b"RIFF"

    def test_a_photo_name_that_is_not_theirs_is_not_found(self, signed_in, freelancer_user):
        other = UserFactory()
        theirs = services.profile_set_photo(profile=other.profile, upload=upload(image_bytes()))
        client = signed_in(freelancer_user)
        # The other person's file name under this person's handle: no.
        url = reverse("profiles:photo", args=[freelancer_user.handle, theirs.photo_name])
        assert client.get(url).status_code == 404

    def test_public_sample_image_for_everyone_signed_in(
        self, signed_in, client_user, freelancer_user
    ):
        sample = sample_for(freelancer_user, public=True)
        url = reverse(
            "profiles:sample_image", args=[freelancer_user.handle, sample.pk, sample.image_name]
        )
        assert signed_in(client_user).get(url).status_code == 200

    def test_another_users_private_sample_image_is_not_found(
        self, signed_in, client_user, freelancer_user
    ):
        sample = sample_for(freelancer_user, public=False)
        url = reverse(
            "profiles:sample_image", args=[freelancer_user.handle, sample.pk, sample.image_name]
        )

        assert signed_in(client_user).get(url).status_code == 404
        owner = signed_in(freelancer_user).get(url)
        assert owner.status_code == 200
        assert owner["X-Content-Type-Options"] == "nosniff"

    def test_media_is_not_served_at_a_public_url(self, client, freelancer_user):
        profile = services.profile_set_photo(
            profile=freelancer_user.profile, upload=upload(image_bytes())
        )
        assert client.get(f"/media/{profile.photo.name}").status_code == 404


class TestEditing:
    def test_the_owner_edits_everything(self, signed_in, freelancer_user):
        client = signed_in(freelancer_user)
        assert client.get("/profile/edit/").status_code == 200

        response = client.post("/profile/edit/", edit_data(freelancer_user, name="Sam R."))

        assert response.status_code == 302
        profile = Profile.objects.select_related("user").get(pk=freelancer_user.pk)
        assert profile.user.name == "Sam R."
        assert profile.title == "Full-stack Django developer"
        assert [s.name for s in profile.skills.order_by("profile_skills__position")] == [
            "Django",
            "PostgreSQL",
        ]

    def test_the_country_is_an_iso_code_shown_by_its_name(self, signed_in, freelancer_user):
        client = signed_in(freelancer_user)
        page = client.get("/profile/edit/").content.decode()
        # Names come from django-countries (the old hand-kept list said "Cape Verde").
        assert '<option value="CV">Cabo Verde</option>' in page
        assert '<option value="US">United States</option>' in page

        client.post("/profile/edit/", edit_data(freelancer_user, country="CV"))
        profile = Profile.objects.get(pk=freelancer_user.pk)
        assert profile.country.code == "CV"
        assert "Cabo Verde" in client.get(f"/u/{freelancer_user.handle}/").content.decode()
        page = client.get("/profile/edit/").content.decode()
        assert '<option value="CV" selected>Cabo Verde</option>' in page

        response = client.post("/profile/edit/", edit_data(freelancer_user, country="XX"))
        assert response.status_code == 400
        assert Profile.objects.get(pk=freelancer_user.pk).country.code == "CV"

    def test_clients_have_no_rate_or_skills_fields(self, signed_in, client_user):
        page = signed_in(client_user).get("/profile/edit/").content.decode()
        assert 'name="hourly_rate"' not in page and 'name="skills"' not in page
        assert "Company or headline" in page

    def test_the_edit_page_only_ever_edits_your_own(self, signed_in, freelancer_user):
        other = UserFactory(role="freelancer")
        signed_in(freelancer_user).post(
            "/profile/edit/", edit_data(freelancer_user, handle=freelancer_user.handle)
        )
        assert not Profile.objects.get(pk=other.pk).title

    @pytest.mark.parametrize("action", ["", "delete/", "move/"])
    def test_another_users_sample_cannot_be_changed(self, signed_in, freelancer_user, action):
        other = UserFactory(role="freelancer")
        sample = sample_for(other, with_image=False)
        client = signed_in(freelancer_user)

        response = client.post(
            f"/profile/samples/{sample.pk}/{action}",
            {"title": "Mine now", "description": "x", "direction": "up"},
        )

        assert response.status_code == 404
        assert WorkSample.objects.get(pk=sample.pk).title == "Dashboard"

    @pytest.mark.parametrize(
        "overrides,field,message",
        [
            ({"hourly_rate": "-10"}, "hourly_rate", "Enter a rate above 0."),
            ({"hourly_rate": "12.345"}, "hourly_rate", "two decimal places"),
            ({"timezone": "Mars/Olympus_Mons"}, "timezone", "not a timezone we know"),
            ({"overview": "x" * 6000}, "overview", "under 5,000 characters"),
            ({"work_start": "18:00", "work_end": "09:00"}, "work_end", "end after they start"),
            ({"handle": "ada-admin"}, "handle", "That handle is taken"),
        ],
    )
    def test_bad_input_is_explained_and_nothing_typed_or_saved_is_lost(
        self, signed_in, freelancer_user, overrides, field, message
    ):
        UserFactory(name="Ada Admin", handle="ada-admin")
        fill_profile(freelancer_user, title="Saved title", skills=["Go"])
        client = signed_in(freelancer_user)
        data = edit_data(freelancer_user, title="Typed title", **overrides)

        response = client.post("/profile/edit/", data)

        assert response.status_code == 400
        form = response.context["form"]
        assert field in form.errors
        page = response.content.decode()
        assert message in page
        assert 'value="Typed title"' in page  # what was typed is still there
        profile = Profile.objects.get(pk=freelancer_user.pk)
        assert profile.title == "Saved title"  # and nothing was saved
        assert [s.name for s in profile.skills.all()] == ["Go"]

    def test_a_body_of_megabytes_is_refused_with_a_message(
        self, signed_in, freelancer_user, settings
    ):
        fill_profile(freelancer_user, title="Saved title")
        client = signed_in(freelancer_user)
        data = edit_data(freelancer_user, overview="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))

        response = client.post("/profile/edit/", data)

        assert response.status_code == 413
        assert "nothing was saved" in response.content.decode()
        assert Profile.objects.get(pk=freelancer_user.pk).title == "Saved title"


class TestPhotoUpload:
    def test_upload_and_see_the_meter_move(self, signed_in, freelancer_user):
        client = signed_in(freelancer_user)

        response = client.post(
            "/profile/photo/",
            {"photo": upload(image_bytes("JPEG"), "me.jpg", "image/jpeg")},
            HTTP_ACCEPT="application/json",
        )

        assert response.status_code == 200
        body = response.json()
        assert body["completeness"]["percent"] == 15
        assert body["thumb_url"].startswith(f"/u/{freelancer_user.handle}/photo/")
        assert Profile.objects.get(pk=freelancer_user.pk).photo

    def test_without_javascript_it_redirects_back(self, signed_in, freelancer_user):
        response = signed_in(freelancer_user).post(
            "/profile/photo/", {"photo": upload(image_bytes())}
        )
        assert response.status_code == 302
        assert response["Location"] == "/profile/edit/#photo"

    def test_html_named_png_is_refused_and_the_photo_kept(self, signed_in, freelancer_user):
        services.profile_set_photo(profile=freelancer_user.profile, upload=upload(image_bytes()))
        before = Profile.objects.get(pk=freelancer_user.pk).photo.name
        client = signed_in(freelancer_user)

        response = client.post(
            "/profile/photo/",
            {"photo": upload(HTML_PRETENDING, "cat.png")},
            HTTP_ACCEPT="application/json",
        )

        assert response.status_code == 400
        message = response.json()["errors"]["photo"][0]["message"]
        assert "isn't a JPEG, PNG or WebP image" in message
        assert Profile.objects.get(pk=freelancer_user.pk).photo.name == before

    def test_a_file_over_the_cap_is_stopped_while_streaming(
        self, signed_in, freelancer_user, settings
    ):
        settings.FILE_UPLOAD_MAX_SIZE = 4096
        data = image_bytes("PNG", size=(400, 400)) + b"\0" * 10_000

        response = signed_in(freelancer_user).post("/profile/photo/", {"photo": upload(data)})

        assert response.status_code == 413  # too large, whatever the form says
        assert "Files may be at most 4 KB." in response.content.decode()
        assert not Profile.objects.get(pk=freelancer_user.pk).photo

    def test_the_photo_needs_csrf(self, freelancer_user):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(freelancer_user)
        response = client.post("/profile/photo/", {"photo": upload(image_bytes())})
        assert response.status_code == 403


class TestSamplesPages:
    def test_add_a_sample_with_an_image(self, signed_in, freelancer_user):
        response = signed_in(freelancer_user).post(
            "/profile/samples/",
            {
                "sample-title": "Booking platform",
                "sample-description": "Online booking for 14 clinics.",
                "sample-link": "example.com/case",
                "sample-is_public": "on",
                "sample-image": upload(image_bytes("PNG", size=(1200, 800))),
            },
        )
        assert response.status_code == 302
        sample = WorkSample.objects.get()
        assert sample.link == "https://example.com/case"
        assert sample.image.name.startswith("samples/")

    def test_a_too_large_image_keeps_the_rest_of_the_form(
        self, signed_in, freelancer_user, settings
    ):
        settings.FILE_UPLOAD_MAX_SIZE = 4096
        response = signed_in(freelancer_user).post(
            "/profile/samples/",
            {
                "sample-title": "Booking platform",
                "sample-description": "Online booking for 14 clinics.",
                "sample-image": upload(image_bytes("PNG") + b"\0" * 10_000),
            },
        )
        assert response.status_code == 413  # too large, whatever the form says
        page = response.content.decode()
        assert "Files may be at most 4 KB." in page
        assert 'value="Booking platform"' in page
        assert "Online booking for 14 clinics." in page
        assert not WorkSample.objects.exists()

    def test_a_javascript_link_is_refused(self, signed_in, freelancer_user):
        response = signed_in(freelancer_user).post(
            "/profile/samples/",
            {"sample-title": "X", "sample-description": "Y", "sample-link": "javascript:alert(1)"},
        )
        assert response.status_code == 400
        assert not WorkSample.objects.exists()

    def test_edit_reorder_and_remove(self, signed_in, freelancer_user):
        first = sample_for(freelancer_user, with_image=False, title="First")
        second = sample_for(freelancer_user, with_image=False, title="Second")
        client = signed_in(freelancer_user)

        assert client.get(f"/profile/samples/{first.pk}/").status_code == 200
        client.post(
            f"/profile/samples/{first.pk}/",
            {"title": "First, renamed", "description": "Now better."},
        )
        client.post(f"/profile/samples/{second.pk}/move/", {"direction": "up"})
        assert list(WorkSample.objects.values_list("title", flat=True)) == [
            "Second",
            "First, renamed",
        ]
        assert WorkSample.objects.get(pk=first.pk).is_public is False  # unticked box

        client.post(f"/profile/samples/{second.pk}/delete/")
        assert list(WorkSample.objects.values_list("title", flat=True)) == ["First, renamed"]


class TestDashboard:
    def test_a_freelancer_sees_the_meter_and_next_steps(self, signed_in, freelancer_user):
        page = signed_in(freelancer_user).get("/").content.decode()
        assert "Your profile" in page
        assert "0% done. Next: Add a profile photo." in page
        assert 'href="/profile/edit/#photo"' in page
        assert "Coming soon: your title, skills" not in page

    def test_a_client_is_sent_to_search(self, signed_in, client_user):
        page = signed_in(client_user).get("/").content.decode()
        assert 'href="/freelancers/"' in page

    def test_staff_without_a_role_get_no_meter(self, signed_in):
        staff = UserFactory(role="", is_staff=True)
        page = signed_in(staff).get("/").content.decode()
        assert "Your profile" not in page
