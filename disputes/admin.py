"""The mediators' side of disputes: a queue, a read-only record, and forms that each call one
service.

Nothing here writes a row itself. The change page is a view (no model field is editable, no
row can be added or deleted); every action posts to a small admin view that calls one function
in `disputes.services`, which checks `disputes.permissions.check_mediator` (the one place that
decides who mediates) and writes exactly one DisputeEvent. A refusal or bad input comes back as
a message and changes nothing.
"""

import base64
from datetime import datetime, timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil
from django.views.decorators.http import require_POST

from core.exceptions import ApplicationError
from core.forms import MoneyFormMixin, apply_service_errors
from core.http import private_file_response
from core.images import REENCODED_CONTENT_TYPE
from core.money import format_money
from disputes import services
from disputes.models import Dispute, DisputeEvent, Dossier, Evidence, InternalNote, Resolution
from disputes.permissions import can_mediate
from messaging.selectors import conversation_record
from profiles.models import User

# --- Changelist helpers ------------------------------------------------------------------------


def time_left_words(due_at, now=None) -> tuple[str, bool]:
    """("3 days left", False) or ("overdue by 2 days", True) for a stage's due time."""
    now = now or timezone.now()
    if due_at >= now:
        return f"{timeuntil(due_at, now, depth=1)} left".replace("\xa0", " "), False
    return f"overdue by {timesince(due_at, now, depth=1)}".replace("\xa0", " "), True


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("today", "Opened today"),
            ("week", "Opened in the last 7 days"),
            ("older", "Older than 7 days"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        week_ago = now - timedelta(days=7)
        if self.value() == "today":
            midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
            return queryset.filter(created_at__gte=midnight)
        if self.value() == "week":
            return queryset.filter(created_at__gte=week_ago)
        if self.value() == "older":
            return queryset.filter(created_at__lt=week_ago)
        return queryset


class MediatorFilter(admin.SimpleListFilter):
    title = "mediator"
    parameter_name = "mediator"

    def lookups(self, request, model_admin):
        choices = [("none", "Unassigned"), ("me", "Assigned to me")]
        mediators = (
            User.objects.filter(disputes_mediated__isnull=False)
            .exclude(pk=request.user.pk)
            .distinct()
            .order_by("name", "pk")
        )
        choices += [(str(user.pk), user.name or user.email) for user in mediators]
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(mediator__isnull=True)
        if value == "me":
            return queryset.filter(mediator=request.user)
        if value and value.isdigit():
            return queryset.filter(mediator_id=int(value))
        return queryset


# --- Read-only inlines -------------------------------------------------------------------------


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
        # Whoever may see the dispute sees its record (mediators need no extra grants).
        return DisputeAdmin.can_view(request)


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


# --- Forms: each parses input for one service --------------------------------------------------


class MessageForm(forms.Form):
    body = forms.CharField(
        label="Message to both parties", widget=forms.Textarea(attrs={"rows": 4, "cols": 80})
    )


class ProposalForm(MoneyFormMixin):
    terms = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 80}))

    field_order = ["terms", "amount", "currency"]


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Internal note", widget=forms.Textarea(attrs={"rows": 3, "cols": 80})
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 80}))


# name -> (form class, service call, success text). The service gets the form's cleaned data.
MEDIATION_FORMS = {
    "message": (
        MessageForm,
        lambda dispute, by, data: services.mediator_message(dispute=dispute, by=by, **data),
        "Your message was posted to both parties.",
    ),
    "propose": (
        ProposalForm,
        lambda dispute, by, data: services.proposal_make(
            dispute=dispute,
            by=by,
            terms=data["terms"],
            amount=data.get("amount"),
            currency=data.get("currency") or "",
        ),
        "Your proposal was sent to both parties.",
    ),
    "note": (
        NoteForm,
        lambda dispute, by, data: services.internal_note_add(dispute=dispute, by=by, **data),
        "Internal note saved.",
    ),
    "resolve": (
        OutcomeForm,
        lambda dispute, by, data: services.dispute_resolve(dispute=dispute, by=by, **data),
        "The dispute is resolved; both parties were told.",
    ),
    "close": (
        OutcomeForm,
        lambda dispute, by, data: services.dispute_close(dispute=dispute, by=by, **data),
        "The dispute is closed; both parties were told.",
    ),
}


def error_text(exc) -> str:
    """One readable sentence from an application error or a ValidationError."""
    if isinstance(exc, ApplicationError):
        return exc.detail
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages) or "That did not work."
    return str(exc) or "You cannot do that."


def draft_key(dispute_id) -> str:
    return f"dispute-admin-draft-{dispute_id}"


# --- The dossier's presentation ----------------------------------------------------------------


TIME_KEYS = (
    "created_at",
    "edited_at",
    "deleted_at",
    "due_at",
    "starts_at",
    "submitted_at",
    "approved_at",
    "decided_at",
    "ended_at",
    "escalated_at",
    "stage_due_at",
    "stage_started_at",
    "respond_by",
    "reviewed_at",
    "at",
)


def with_times(value):
    """The dossier's JSON with its ISO timestamps as datetimes, for the `date` filter."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(item, str) and (key in TIME_KEYS or key.endswith("_at")):
                parsed = parse_datetime(item)
                out[key] = parsed if isinstance(parsed, datetime) else item
            else:
                out[key] = with_times(item)
        return out
    if isinstance(value, list):
        return [with_times(item) for item in value]
    return value


def evidence_previews(dispute) -> dict[int, str]:
    """Evidence id -> a data: URI of its stored WebP preview, so the document stands alone."""
    previews = {}
    for evidence in dispute.evidence.exclude(preview=""):
        try:
            with evidence.preview.open("rb") as handle:
                data = handle.read(2 * 1024 * 1024 + 1)
        except OSError:
            continue
        if len(data) > 2 * 1024 * 1024:  # a preview is small; anything else is not embedded
            continue
        encoded = base64.b64encode(data).decode("ascii")
        previews[evidence.pk] = f"data:image/webp;base64,{encoded}"
    return previews


# --- The dispute -------------------------------------------------------------------------------


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

    @staticmethod
    def can_view(request) -> bool:
        user = request.user
        return user.has_perm("disputes.view_dispute") or can_mediate(user)

    def has_view_permission(self, request, obj=None):
        return self.can_view(request)

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

    def _dossier_summary(self, dispute, *, link: bool):
        dossier = Dossier.objects.filter(dispute=dispute).only("pk", "sha256", "created_at").first()
        if dossier is None:
            return "Recorded when the dispute is escalated to mediation."
        created = timezone.localtime(dossier.created_at).strftime("%Y-%m-%d %H:%M %Z")
        if not link:
            return format_html(
                "Recorded {}, SHA-256 <code>{}</code> (mediators can open it)",
                created,
                dossier.sha256,
            )
        return format_html(
            '<a href="{}">Open the dossier</a> (recorded {}, SHA-256 <code>{}</code>)',
            reverse(f"{self.admin_site.name}:disputes_dispute_dossier", args=[dispute.pk]),
            created,
            dossier.sha256,
        )

    @admin.display(description="dossier")
    def dossier_link(self, dispute):
        return self._dossier_summary(dispute, link=True)

    @admin.display(description="dossier")
    def dossier_info(self, dispute):
        return self._dossier_summary(dispute, link=False)

    def get_fieldsets(self, request, obj=None):
        if can_mediate(request.user):
            return self.fieldsets
        # Only mediators open the dossier: others see that it exists and its hash.
        return [
            (
                name,
                {
                    "fields": [
                        "dossier_info" if f == "dossier_link" else f for f in options["fields"]
                    ]
                },
            )
            for name, options in self.fieldsets
        ]

    # --- "Assign to me" from the queue -------------------------------------------------------

    @admin.action(description="Assign to me")
    def assign_to_me(self, request, queryset):
        for dispute in queryset.select_related("workroom"):
            try:
                services.mediator_assign(dispute=dispute, by=request.user)
            except (ApplicationError, ValidationError) as exc:
                self.message_user(
                    request, f"Dispute #{dispute.pk}: {error_text(exc)}", messages.ERROR
                )
            else:
                self.message_user(
                    request, f"Dispute #{dispute.pk}: assigned to you.", messages.SUCCESS
                )

    # --- URLs --------------------------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        mediation = [
            path(
                f"<path:object_id>/mediate/{name}/",
                wrap(self.mediation_view),
                {"action": name},
                name="{}_{}_mediate_{}".format(*info, name),
            )
            for name in ["assign", *MEDIATION_FORMS]
        ]
        return [
            *mediation,
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

    def _dispute_or_404(self, request, object_id) -> Dispute:
        if not self.has_view_permission(request):
            raise PermissionDenied
        dispute = self.get_object(request, unquote(object_id))
        if dispute is None:
            raise Http404("No such dispute.")
        return dispute

    def _change_url(self, dispute) -> str:
        return reverse(f"{self.admin_site.name}:disputes_dispute_change", args=[dispute.pk])

    # --- One form, one service ---------------------------------------------------------------

    def mediation_view(self, request, object_id, action):
        return require_POST(self._mediate)(request, object_id, action)

    def _mediate(self, request, object_id, action):
        dispute = self._dispute_or_404(request, object_id)
        back = HttpResponseRedirect(self._change_url(dispute))
        if action == "assign":
            try:
                services.mediator_assign(dispute=dispute, by=request.user)
            except (ApplicationError, ValidationError) as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, f"Dispute #{dispute.pk} is assigned to you.")
            return back

        form_class, call, success = MEDIATION_FORMS[action]
        form = form_class(request.POST, prefix=action)
        service_errors = {}
        if form.is_valid():
            try:
                call(dispute, request.user, form.cleaned_data)
            except (ApplicationError, ValidationError) as exc:
                messages.error(request, error_text(exc))
                if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                    service_errors = {
                        field: [str(m) for m in ValidationError(errors).messages]
                        for field, errors in exc.error_dict.items()
                    }
            else:
                request.session.pop(draft_key(dispute.pk), None)
                messages.success(request, success)
                return back
        else:
            messages.error(request, "Please correct the form below.")
        # Keep what was typed, and why the service refused it, for the change page to show.
        request.session[draft_key(dispute.pk)] = {
            "action": action,
            "data": {
                form.add_prefix(name): request.POST.get(form.add_prefix(name), "")
                for name in form.fields
            },
            "errors": service_errors,
        }
        return HttpResponseRedirect(self._change_url(dispute) + f"#mediate-{action}")

    def mediation_forms(self, request, dispute) -> dict:
        draft = request.session.pop(draft_key(dispute.pk), None)
        forms_by_name = {}
        for name, (form_class, _call, _success) in MEDIATION_FORMS.items():
            if draft and draft.get("action") == name:
                form = form_class(draft.get("data", {}), prefix=name)
                form.is_valid()
                if draft.get("errors"):
                    apply_service_errors(form, ValidationError(draft["errors"]))
            else:
                form = form_class(prefix=name)
            forms_by_name[name] = form
        return forms_by_name

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = dict(extra_context or {})
        dispute = self.get_object(request, unquote(object_id))
        if dispute is not None and request.method == "GET" and self.has_view_permission(request):
            extra_context.update(self.mediation_context(request, dispute))
        return super().change_view(request, object_id, form_url, extra_context)

    def mediation_context(self, request, dispute) -> dict:
        user = request.user
        mediator = can_mediate(user)
        assigned = dispute.mediator_id == user.pk
        in_mediation = dispute.status == Dispute.Status.MEDIATION
        thread = with_times(conversation_record(conversation_id=dispute.conversation_id))
        words, overdue = time_left_words(dispute.stage_due_at) if dispute.is_active else ("", False)
        name = self.admin_site.name
        return {
            "dispute": dispute,
            "can_mediate": mediator,
            "thread": thread,
            "time_left_words": words,
            "overdue": overdue,
            "has_dossier": Dossier.objects.filter(dispute=dispute).exists(),
            "dossier_url": reverse(f"{name}:disputes_dispute_dossier", args=[dispute.pk]),
            "mediation_forms": self.mediation_forms(request, dispute) if mediator else {},
            "mediation_urls": {
                action: reverse(f"{name}:disputes_dispute_mediate_{action}", args=[dispute.pk])
                for action in ["assign", *MEDIATION_FORMS]
            },
            # Which forms make sense now; the services still decide (and say why not).
            "offer": {
                "assign": mediator and in_mediation and not assigned,
                "message": mediator and in_mediation and assigned,
                "propose": mediator and in_mediation and assigned,
                "resolve": mediator and in_mediation and assigned,
                "close": mediator and dispute.is_active,
                "note": mediator,
            },
        }

    # --- Evidence files ----------------------------------------------------------------------

    def evidence_view(self, request, object_id, evidence_id, what):
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
        if not can_mediate(request.user):
            raise PermissionDenied  # the whole correspondence is for mediators only
        dispute = self._dispute_or_404(request, object_id)
        dossier = Dossier.objects.filter(dispute=dispute).first()
        if dossier is None:
            raise Http404("This dispute has no dossier yet: it is recorded at escalation.")
        from disputes.dossier import dossier_check, dossier_data

        check = dossier_check(dossier)
        record = with_times(dossier_data(dossier))
        previews = evidence_previews(dispute)
        for item in record.get("evidence", []):
            item["preview"] = previews.get(item.get("id"))
        html = render_to_string(
            "disputes/dossier.html",
            {
                "dispute": dispute,
                "dossier": dossier,
                "record": record,
                "check": check,
                "exported": export,
                "checked_at": timezone.now(),
                "change_url": self._change_url(dispute),
                "export_url": reverse(
                    f"{self.admin_site.name}:disputes_dispute_dossier_export", args=[dispute.pk]
                ),
            },
            request=None if export else request,
        )
        if export:
            return private_file_response(
                html.encode(),
                filename=f"dispute-{dispute.pk}-dossier.html",
                content_type="text/html; charset=utf-8",
            )
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Cache-Control"] = "private, no-store"
        return response


# Evidence, InternalNote, Resolution, DisputeEvent and Dossier are deliberately not registered:
# they are shown only inside their dispute, read-only, so none can be changed blind.
