from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from messaging.selectors import thread_context
from workrooms import selectors


@login_required
@require_GET
def workroom_list(request):
    rooms = selectors.workrooms_for(user=request.user)
    return render(request, "workrooms/list.html", {"workrooms": rooms})


@login_required
@require_GET
def workroom_detail(request, workroom_id):
    workroom = selectors.workroom_for(user=request.user, workroom_id=workroom_id)
    if workroom is None:
        raise Http404("No such workroom.")
    context = thread_context(conversation=workroom.conversation, user=request.user)
    context["workroom"] = workroom
    return render(request, "workrooms/detail.html", context)
