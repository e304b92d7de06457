"""A workroom's video call page: the messaging call page, with the scheduled call's agenda
beside the video (docs/calls.md)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_GET

from messaging.call_views import render_call_page
from workrooms import selectors


@login_required
@require_GET
def workroom_call(request, workroom_id):
    workroom = selectors.workroom_for(user=request.user, workroom_id=workroom_id)
    if workroom is None:
        raise Http404("No such workroom.")
    scheduled = selectors.call_for_call_page(workroom=workroom, call_id=request.GET.get("call"))
    return render_call_page(
        request,
        conversation_id=workroom.conversation_id,
        back_url=reverse("workrooms:detail", args=[workroom.pk]),
        back_label=workroom.title,
        subtitle=workroom.title,
        agenda=scheduled.agenda if scheduled else "",
    )
