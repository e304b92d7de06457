"""The dossier in the admin: the whole record in one self-contained document, its SHA-256 and
the result of the integrity check at the top, an export that downloads the same HTML, and only
mediators may see it."""

import hashlib
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from disputes import services
from disputes.models import Dossier
from messaging.models import Message
from tests.disputes.conftest import png_upload, send

pytestmark = pytest.mark.django_db

VERIFIED = "Verified: the snapshot matches its hash and the live records"


@pytest.fixture
def record(correspondence, dispute, client_user, freelancer_user):
    """Correspondence with an edit and a delete, a file in two versions, a submitted deadline,
    image evidence; then the client escalates, which freezes the dossier."""
    send(dispute.conversation_id, client_user, "See https://example.com/invoice for details")
    evidence = services.evidence_add(
        dispute=dispute, by=freelancer_user, uploaded_file=png_upload(), caption="Approval"
    )
    services.dispute_escalate(dispute=dispute, by=client_user)
    return {
        "dispute": dispute,
        "dossier": Dossier.objects.get(dispute=dispute),
        "edited": correspondence["edited"],
        "deleted": correspondence["deleted"],
        "evidence": evidence,
    }


def dossier_url(dispute):
    return reverse("admin:disputes_dispute_dossier", args=[dispute.pk])


def export_url(dispute):
    return reverse("admin:disputes_dispute_dossier_export", args=[dispute.pk])


class Resources(HTMLParser):
    """Every URL-bearing attribute and every element that could load something."""

    def __init__(self):
        super().__init__()
        self.urls = []
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src", "srcset", "action", "poster", "data", "formaction"):
                self.urls.append(value or "")
            if name == "style" and "url(" in (value or ""):
                self.urls.append(value)


def test_a_mediator_reads_the_whole_record(client, mediator, record):
    client.force_login(mediator)
    response = client.get(dossier_url(record["dispute"]))
    assert response.status_code == 200
    page = response.content.decode()
    dossier = record["dossier"]

    # The seal at the top: the stored hash and the check's verdict.
    assert page.index(dossier.sha256) < page.index("Summary")
    assert VERIFIED in page

    # Every message, edits and deletions with their earlier text.
    assert "The build is ready for review (v2)" in page
    assert "The build is ready for review</div>" in page  # the revision's body
    assert "I will pay on Friday, promise" in page
    assert "Deleted by the sender; text kept for the record" in page
    assert "Text when deleted" in page
    assert "Edited " in page
    for title in ("Workroom chat", "Dispute thread"):
        assert title in page

    # Files with each version's SHA-256, the deadline's submission, evidence with its hash.
    assert hashlib.sha256(b"build one\n").hexdigest() in page
    assert hashlib.sha256(b"build two\n").hexdigest() in page
    assert "Beta build" in page and "Here it is" in page
    assert record["evidence"].sha256 in page
    assert 'src="data:image/webp;base64,' in page  # the preview, embedded
    # Activity and the dispute's events.
    assert "Workroom activity" in page and "joined as the client" in page
    assert "The dispute's events" in page and "added evidence: “Approval”" in page

    # Back to the dispute and the export from the viewing page.
    assert f'href="{export_url(record["dispute"])}"' in page


def test_the_export_is_the_same_document_as_a_download(client, mediator, record):
    client.force_login(mediator)
    dispute = record["dispute"]
    response = client.get(export_url(dispute))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="dispute-{dispute.pk}-dossier.html"'
    )
    page = response.content.decode()
    assert record["dossier"].sha256 in page and VERIFIED in page
    assert "I will pay on Friday, promise" in page

    # Self-contained: nothing loads from anywhere; "http" only inside text content.
    parser = Resources()
    parser.feed(page)
    assert not [url for url in parser.urls if not url.startswith("data:")], parser.urls
    assert not {"script", "link", "iframe", "object", "embed", "base"} & set(parser.tags)
    assert "@import" not in page and "url(" not in page
    assert "https://example.com/invoice" in page  # a party's text, shown as text
    text_without_content = page
    for message in Message.objects.all():
        text_without_content = text_without_content.replace(message.body, "")
    assert "http" not in text_without_content


def test_tampering_shows_prominently(client, mediator, record):
    Message.objects.filter(pk=record["edited"].pk).update(body="Nothing was ever ready")
    client.force_login(mediator)
    page = client.get(dossier_url(record["dispute"])).content.decode()
    assert VERIFIED not in page
    assert 'class="verdict bad" role="alert"' in page
    assert "was changed without an edit record" in page


def test_an_altered_snapshot_is_called_out(client, mediator, record):
    dossier = record["dossier"]
    Dossier.objects.filter(pk=dossier.pk).update(
        content=dossier.content.replace("I will pay on Friday", "I never said I'd pay")
    )
    client.force_login(mediator)
    page = client.get(dossier_url(record["dispute"])).content.decode()
    assert "The stored snapshot no longer matches its SHA-256" in page


def test_only_mediators_see_the_dossier(client, staff_only, client_user, record):
    dispute = record["dispute"]
    client.force_login(staff_only)  # staff with view permission, not a mediator
    assert client.get(dossier_url(dispute)).status_code == 403
    assert client.get(export_url(dispute)).status_code == 403
    client.force_login(client_user)  # a party: not staff at all
    response = client.get(dossier_url(dispute))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_change_page_links_the_dossier_once_it_exists(client, mediator, dispute, client_user):
    client.force_login(mediator)
    change = reverse("admin:disputes_dispute_change", args=[dispute.pk])
    page = client.get(change).content.decode()
    assert dossier_url(dispute) not in page
    assert client.get(dossier_url(dispute)).status_code == 404  # not escalated yet

    services.dispute_escalate(dispute=dispute, by=client_user)
    page = client.get(change).content.decode()
    assert f'href="{dossier_url(dispute)}"' in page
    assert Dossier.objects.get(dispute=dispute).sha256 in page
