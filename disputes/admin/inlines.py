"""The parts of a dispute, shown inside its admin page only and read-only: evidence, proposals,
internal notes and the audit trail. They are the dispute's record, so only those who may read
the dossier see them (`can_see_record`); `view_dispute` alone shows none."""

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html

from core.money import format_money
from disputes.models import DisputeEvent, Evidence, InternalNote, Resolution
from disputes.permissions import can_see_record


class ReadOnlyInline(admin.TabularInline):
    """Shown inside the dispute only; never added, changed or deleted here."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # The dossier's rule: mediators (who need no extra grants), not every viewer.
        return can_see_record(request.user)


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    fields = ["thumbnail", "file_facts", "caption", "hash", "added_by", "created_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("added_by")

    def _url(self, evidence, what):
        return reverse(
            f"{self.admin_site.name}:disputes_dispute_evidence_{what}",
            args=[evidence.dispute_id, evidence.pk],
        )

    @admin.display(description="preview")
    def thumbnail(self, evidence):
        if not evidence.preview:
            return "—"
        return format_html(
            '<a href="{}"><img src="{}" alt="Preview of {}" class="dispute-thumb"></a>',
            self._url(evidence, "preview"),
            self._url(evidence, "preview"),
            evidence.name,
        )

    @admin.display(description="file")
    def file_facts(self, evidence):
        return format_html(
            '<a href="{}">Download {}</a><br><span class="dispute-muted">{}, {}</span>',
            self._url(evidence, "download"),
            evidence.name,
            filesizeformat(evidence.size),
            evidence.content_type,
        )

    @admin.display(description="SHA-256")
    def hash(self, evidence):
        return format_html('<code class="dispute-hash">{}</code>', evidence.sha256)


class DisputeEventInline(ReadOnlyInline):
    model = DisputeEvent
    verbose_name = "event"
    verbose_name_plural = "audit trail (every event, internal notes included)"
    fields = ["created_at", "actor", "kind", "summary"]
    readonly_fields = fields
    ordering = ["created_at", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ResolutionInline(ReadOnlyInline):
    model = Resolution
    verbose_name = "proposal"
    verbose_name_plural = "proposals and answers"
    fields = [
        "created_at",
        "proposed_by",
        "by_mediator",
        "terms",
        "money",
        "status",
        "opener_answer",
        "other_answer",
        "answer_note",
        "respond_by",
        "decided_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposed_by")

    @admin.display(description="amount")
    def money(self, resolution):
        if resolution.amount is None:
            return "—"
        return format_money(resolution.amount, resolution.currency)


class InternalNoteInline(ReadOnlyInline):
    model = InternalNote
    verbose_name_plural = "internal notes (staff only)"
    fields = ["created_at", "author", "body"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")
