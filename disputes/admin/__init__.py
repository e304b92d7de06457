"""The mediators' side of disputes: a queue, a read-only record, and forms that each call one
service.

Nothing here writes a row itself. The change page is a view (no model field is editable, no
row can be added or deleted); every action posts to a small admin view that calls one function
in `disputes.services` (`mediation.py`), which checks who may act (`disputes.rules`,
`disputes.permissions`) and writes exactly one DisputeEvent. A refusal or bad input comes back
as a message and changes nothing.

The rest of the package: `filters.py` (the queue's filters), `inlines.py` (the record's parts),
`forms.py` (one form per service), `mediation.py` (what the page offers and the forms' posts),
`dossier.py` (the frozen record, shown and exported).

Who sees what follows one rule, the dossier's (`disputes.permissions.can_see_record`): the
thread (deleted messages and earlier versions included), evidence files, proposals, internal
notes, the audit trail and the dossier are for mediators. Staff who hold only `view_dispute`
see the queue and each dispute's summary (parties, claim, stage, outcome, that a dossier exists
and its hash), nothing of the correspondence.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from core.http import private_file_response
from core.images import REENCODED_CONTENT_TYPE
from core.money import format_money
from disputes.admin import mediation
from disputes.admin.dossier import dossier_response, dossier_summary
from disputes.admin.filters import AgeFilter, MediatorFilter, time_left_words
from disputes.admin.inlines import (
    DisputeEventInline,
    EvidenceInline,
    InternalNoteInline,
    ResolutionInline,
)
from disputes.models import Dispute, Dossier, Evidence
from disputes.permissions import can_see_record, can_view_disputes


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    """The mediation queue and the read-only record of one dispute."""

    list_display = [
        "id",
        "workroom_title",
        "parties",
        "reason",
        "status",
        "mediator_name",
        "time_left",
        "opened",
    ]
    list_display_links = ["id", "workroom_title"]
    list_filter = ["status", "reason", AgeFilter, MediatorFilter]
    search_fields = [
        "workroom__title",
        "opened_by__name",
        "opened_by__email",
        "opened_by__handle",
        "other_party__name",
        "other_party__email",
        "other_party__handle",
    ]
    list_select_related = ["workroom", "opened_by", "other_party", "mediator"]
    list_per_page = 50
    actions = ["assign_to_me"]
    view_on_site = False  # the parties' page refuses staff who are not in the dispute
    inlines = [EvidenceInline, ResolutionInline, InternalNoteInline, DisputeEventInline]
    fieldsets = [
        (
            "Dispute",
            {
                "fields": [
                    "workroom_link",
                    "parties",
                    "reason",
                    "description",
                    "desired_outcome",
                    "money",
                    "deadline",
                ]
            },
        ),
        (
            "Stage",
            {
                "fields": [
                    "status",
                    "mediator",
                    "stage_started_at",
                    "stage_due_at",
                    "time_left",
                    "other_party_answered_at",
                    "stage_expired_at",
                    "escalated_at",
                    "escalated_by",
                ]
            },
        ),
        ("Outcome", {"fields": ["ended_at", "outcome"]}),
        ("Record", {"fields": ["conversation_link", "created_at", "dossier_link"]}),
    ]
    # Every field is read-only: mediation goes through the forms below, never a blind edit.
    # (dossier_info stands in for dossier_link for staff who may not mediate.)
    readonly_fields = [name for _, options in fieldsets for name in options["fields"]] + [
        "dossier_info"
    ]

    # --- Who may do what (viewing here; mediating is decided by the services) ----------------

    def has_view_permission(self, request, obj=None):
        return can_view_disputes(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # no blind row edits: every change goes through a service

    def has_delete_permission(self, request, obj=None):
        return False

    # --- The queue ---------------------------------------------------------------------------

    def get_queryset(self, request):
        active = Q(status__in=Dispute.ACTIVE_STATUSES)
        return (
            super()
            .get_queryset(request)
            .annotate(
                _ended=Case(
                    When(active, then=Value(0)), default=Value(1), output_field=IntegerField()
                ),
                _due=Case(When(active, then=F("stage_due_at")), default=None),
            )
        )

    # Only the column header's sort mark reads this (time left, ascending); the real default
    # order is get_ordering's below, which also puts ended disputes last.
    ordering = ["stage_due_at"]

    def get_ordering(self, request):
        # Active disputes first, the soonest due on top; then ended ones, most recent first.
        return [
            F("_ended").asc(),
            F("_due").asc(nulls_last=True),
            F("ended_at").desc(nulls_last=True),
            "-pk",
        ]

    @admin.display(description="workroom", ordering="workroom__title")
    def workroom_title(self, dispute):
        return dispute.workroom.title

    @admin.display(description="parties")
    def parties(self, dispute):
        return format_html(
            '{} <span class="dispute-muted">(opened)</span><br>{}',
            dispute.opened_by.name or dispute.opened_by.email,
            dispute.other_party.name or dispute.other_party.email,
        )

    @admin.display(description="mediator", ordering="mediator__name")
    def mediator_name(self, dispute):
        if dispute.mediator is None:
            return format_html('<span class="dispute-muted">{}</span>', "Unassigned")
        return dispute.mediator.name or dispute.mediator.email

    @admin.display(description="time left", ordering="stage_due_at")
    def time_left(self, dispute):
        if not dispute.is_active:
            return "—"
        words, overdue = time_left_words(dispute.stage_due_at)
        if overdue:
            return format_html('<strong class="dispute-overdue">{}</strong>', words)
        return format_html('<span class="dispute-nowrap">{}</span>', words)

    @admin.display(description="opened", ordering="created_at")
    def opened(self, dispute):
        moment = timezone.localtime(dispute.created_at)
        return format_html(
            '<span class="dispute-nowrap" title="{}">{}</span>',
            moment.strftime("%Y-%m-%d %H:%M %Z"),
            moment.strftime("%Y-%m-%d"),
        )

    # --- The change page's read-only fields -------------------------------------------------

    @admin.display(description="workroom")
    def workroom_link(self, dispute):
        url = reverse(
            f"{self.admin_site.name}:workrooms_workroom_change", args=[dispute.workroom_id]
        )
        return format_html('<a href="{}">{}</a>', url, dispute.workroom.title)

    @admin.display(description="amount in dispute")
    def money(self, dispute):
        if dispute.amount is None:
            return "—"
        return format_money(dispute.amount, dispute.currency)

    @admin.display(description="thread")
    def conversation_link(self, dispute):
        url = reverse(
            f"{self.admin_site.name}:messaging_conversation_change", args=[dispute.conversation_id]
        )
        return format_html(
            '<a href="{}">Conversation #{}</a> (shown in full below)', url, dispute.conversation_id
        )

    @admin.display(description="dossier")
    def dossier_link(self, dispute):
        return dossier_summary(dispute, url=self._url("dossier", dispute))

    @admin.display(description="dossier")
    def dossier_info(self, dispute):
        return dossier_summary(dispute, url=None)

    def get_fieldsets(self, request, obj=None):
        if can_see_record(request.user):
            return self.fieldsets
        # The summary only: no link to the thread, and of the dossier only that it exists and
        # its hash.
        summary = {"dossier_link": "dossier_info", "conversation_link": ""}
        return [
            (name, {"fields": [summary.get(f, f) for f in options["fields"] if summary.get(f, f)]})
            for name, options in self.fieldsets
        ]

    # --- "Assign to me" from the queue -------------------------------------------------------

    @admin.action(description="Assign to me")
    def assign_to_me(self, request, queryset):
        for dispute in queryset.select_related("workroom"):
            refusal = mediation.assign(request, dispute)
            if refusal:
                self.message_user(request, f"Dispute #{dispute.pk}: {refusal}", messages.ERROR)
            else:
                self.message_user(
                    request, f"Dispute #{dispute.pk}: assigned to you.", messages.SUCCESS
                )

    # --- URLs --------------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        mediation_urls = [
            path(
                f"<path:object_id>/mediate/{name}/",
                wrap(self.mediation_view),
                {"action": name},
                name="{}_{}_mediate_{}".format(*info, name),
            )
            for name in mediation.ACTIONS
        ]
        return [
            *mediation_urls,
            path(
                "<path:object_id>/evidence/<int:evidence_id>/download/",
                wrap(self.evidence_view),
                {"what": "download"},
                name="{}_{}_evidence_download".format(*info),
            ),
            path(
                "<path:object_id>/evidence/<int:evidence_id>/preview/",
                wrap(self.evidence_view),
                {"what": "preview"},
                name="{}_{}_evidence_preview".format(*info),
            ),
            path(
                "<path:object_id>/dossier/",
                wrap(self.dossier_view),
                {"export": False},
                name="{}_{}_dossier".format(*info),
            ),
            path(
                "<path:object_id>/dossier/export/",
                wrap(self.dossier_view),
                {"export": True},
                name="{}_{}_dossier_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def _url(self, name, dispute) -> str:
        return reverse(f"{self.admin_site.name}:disputes_dispute_{name}", args=[dispute.pk])

    def _dispute_or_404(self, request, object_id) -> Dispute:
        if not self.has_view_permission(request):
            raise PermissionDenied
        dispute = self.get_object(request, unquote(object_id))
        if dispute is None:
            raise Http404("No such dispute.")
        return dispute

    # --- The page and its forms --------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        dispute = self.get_object(request, unquote(object_id))
        if dispute is not None and request.method == "GET" and self.has_view_permission(request):
            extra_context.update(
                mediation.mediation_context(request, dispute, site_name=self.admin_site.name)
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def mediation_view(self, request, object_id, action):
        return require_POST(self._mediate)(request, object_id, action)

    def _mediate(self, request, object_id, action):
        dispute = self._dispute_or_404(request, object_id)
        anchor = mediation.mediate(request, dispute, action)
        return HttpResponseRedirect(self._url("change", dispute) + anchor)

    # --- Evidence files ----------------------------------------------------------------------

    def evidence_view(self, request, object_id, evidence_id, what):
        if not can_see_record(request.user):
            raise PermissionDenied  # evidence is part of the record: mediators only
        dispute = self._dispute_or_404(request, object_id)
        evidence = get_object_or_404(Evidence, pk=evidence_id, dispute=dispute)
        if what == "preview":
            if not evidence.preview:
                raise Http404("This evidence has no preview.")
            return private_file_response(
                evidence.preview,
                filename="preview.webp",
                content_type=REENCODED_CONTENT_TYPE,
                inline=True,
            )
        return private_file_response(
            evidence.file,
            filename=evidence.name,
            content_type=evidence.content_type or "application/octet-stream",
        )

    # --- The dossier -------------------------------------------------------------------------

    def dossier_view(self, request, object_id, export):
        if not can_see_record(request.user):
            raise PermissionDenied  # the whole correspondence is for mediators only
        dispute = self._dispute_or_404(request, object_id)
        dossier = Dossier.objects.filter(dispute=dispute).first()
        if dossier is None:
            raise Http404("This dispute has no dossier yet: it is recorded at escalation.")
        return dossier_response(
            request,
            dispute,
            dossier,
            export=export,
            change_url=self._url("change", dispute),
            export_url=self._url("dossier_export", dispute),
        )


# Evidence, InternalNote, Resolution, DisputeEvent and Dossier are deliberately not registered:
# they are shown only inside their dispute, read-only, so none can be changed blind.
