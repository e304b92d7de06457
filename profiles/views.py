"""Profile pages, editing, private image downloads and freelancer search. Thin: parse, call a
service or selector, render."""

from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import ApplicationError
from core.forms import apply_service_errors
from core.http import private_file_response, wants_json
from core.images import REENCODED_CONTENT_TYPE
from core.uploads import PHOTO, WORK_SAMPLE, capped_upload
from profiles import selectors, services
from profiles.forms import PhotoForm, ProfileForm, SearchForm, WorkSampleForm
from profiles.models import normalize_skill
from profiles.response_times import is_responsive, response_time_label

SEARCH_PAGE_SIZE = 20
# The add-a-sample form shares the edit page with the profile form: its own ids and names.
SAMPLE_PREFIX = "sample"


def _message_url(handle: str) -> str:
    # messaging owns this endpoint; the literal path is the contract (docs/architecture.md).
    try:
        return reverse("messaging:open_direct", kwargs={"handle": handle})
    except NoReverseMatch:
        return f"/messages/with/{handle}/"


# --- The profile page ------------------------------------------------------------------------


def _offset_hours(theirs: datetime, mine: datetime) -> float:
    """How many hours ahead of the viewer the other person's clock is (negative: behind)."""
    zero = timedelta(0)
    return ((theirs.utcoffset() or zero) - (mine.utcoffset() or zero)).total_seconds() / 3600


@login_required
@require_GET
def profile_detail(request, handle):
    profile = selectors.profile_for_page(handle=handle)
    if profile is None:
        raise Http404("No such profile.")
    if handle != profile.user.handle:
        return redirect(profile, permanent=True)
    viewer = request.user
    is_own = viewer.pk == profile.pk
    their_now = profile.local_now()
    my_now = timezone.localtime()
    hours = selectors.response_time_summary(user=profile.user)
    context = {
        "profile": profile,
        "person": profile.user,
        "is_own": is_own,
        "samples": selectors.work_samples_visible(profile=profile, viewer=viewer),
        # Formatted here: the template's time filter would convert back to the viewer's zone.
        "their_clock": their_now.strftime("%H:%M"),
        "their_zone": profile.timezone or "UTC",
        "offset_hours": _offset_hours(their_now, my_now),
        "response_hours": hours,
        "response_label": response_time_label(hours),
        "responsive": is_responsive(hours),
        "message_url": _message_url(profile.user.handle),
        "can_invite": viewer.is_client and profile.user.is_freelancer,
        "completeness": selectors.completeness_for_user(user=viewer) if is_own else None,
    }
    return render(request, "profiles/detail.html", context)


# --- Private images --------------------------------------------------------------------------


def _image_response(field_file, download_name: str):
    # Images we encoded ourselves, shown inline. Every upload gets a new name, so a name's bytes
    # never change: cached for good, but only in the viewer's own browser.
    return private_file_response(
        field_file,
        filename=download_name,
        content_type=REENCODED_CONTENT_TYPE,
        inline=True,
        immutable=True,
    )


@login_required
@require_GET
def photo(request, handle, name):
    """A profile photo or its thumbnail: any signed-in user may see it."""
    profile = selectors.profile_for_page(handle=handle)
    if profile is None or not profile.photo:
        raise Http404("No such photo.")
    if name == profile.photo_name:
        return _image_response(profile.photo, f"{profile.user.handle}.webp")
    if profile.photo_thumb and name == profile.thumb_name:
        return _image_response(profile.photo_thumb, f"{profile.user.handle}-thumb.webp")
    raise Http404("No such photo.")


@login_required
@require_GET
def sample_image(request, handle, sample_id, name):
    """A work sample's image: public ones for signed-in users, private ones for the owner only."""
    sample = selectors.work_sample_image_for(
        viewer=request.user, handle=handle, sample_id=sample_id
    )
    if sample is None:
        raise Http404("No such image.")
    if name == sample.image_name:
        return _image_response(sample.image, f"sample-{sample.pk}.webp")
    if sample.image_thumb and name == sample.thumb_name:
        return _image_response(sample.image_thumb, f"sample-{sample.pk}-thumb.webp")
    raise Http404("No such image.")


# --- Editing ---------------------------------------------------------------------------------


def _edit_context(request, profile, **forms):
    context = {
        "profile": profile,
        "form": forms.get("form") or ProfileForm(profile=profile),
        "photo_form": forms.get("photo_form") or PhotoForm(),
        "sample_form": forms.get("sample_form")
        or WorkSampleForm(initial={"is_public": True}, prefix=SAMPLE_PREFIX),
        "samples": selectors.work_samples_visible(profile=profile, viewer=request.user),
        "completeness": selectors.completeness_for_user(user=request.user),
        "popular_skills": selectors.popular_skills(limit=12) if profile.user.is_freelancer else [],
        "photo_max_bytes": PHOTO.max_bytes,
        "sample_max_bytes": WORK_SAMPLE.max_bytes,
    }
    context.update({k: v for k, v in forms.items() if k not in context})
    return context


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = selectors.profile_for_owner(user=request.user)
    if request.method == "GET":
        return render(request, "profiles/edit.html", _edit_context(request, profile))
    try:
        form = ProfileForm(request.POST, profile=profile)
    except RequestDataTooBig:
        context = _edit_context(
            request,
            profile,
            too_big=(
                "That was far more text than a profile can hold, so nothing was saved. "
                "The overview can be up to 5,000 characters."
            ),
        )
        return render(request, "profiles/edit.html", context, status=413)
    if form.is_valid():
        try:
            services.profile_update(profile=profile, **form.service_arguments())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("profiles:edit")
    context = _edit_context(request, profile, form=form)
    return render(request, "profiles/edit.html", context, status=400)


@login_required
@require_POST
@capped_upload(PHOTO)
def photo_upload(request, handler):
    profile = selectors.profile_for_owner(user=request.user)
    form = PhotoForm(request.POST, request.FILES, too_large=handler.too_large_fields)
    if form.is_valid():
        try:
            profile = services.profile_set_photo(profile=profile, upload=form.cleaned_data["photo"])
        except ApplicationError as refused:
            form.add_error("photo", refused.detail)
        except ValidationError as error:
            apply_service_errors(form, error)
    if form.errors:
        if wants_json(request):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return render(
            request,
            "profiles/edit.html",
            _edit_context(request, profile, photo_form=form),
            status=400,
        )
    completeness = selectors.completeness_for_user(user=request.user)
    if wants_json(request):
        return JsonResponse(
            {
                "photo_url": profile.photo_url,
                "thumb_url": profile.thumb_url,
                "completeness": completeness.as_dict(),
            }
        )
    messages.success(request, "Your new photo is on your profile.")
    return redirect(reverse("profiles:edit") + "#photo")


@login_required
@require_POST
def photo_remove(request):
    services.profile_remove_photo(profile=selectors.profile_for_owner(user=request.user))
    messages.success(request, "Your photo is removed.")
    return redirect(reverse("profiles:edit") + "#photo")


@login_required
@require_POST
@capped_upload(WORK_SAMPLE)
def sample_create(request, handler):
    profile = selectors.profile_for_owner(user=request.user)
    form = WorkSampleForm(
        request.POST, request.FILES, too_large=handler.too_large_fields, prefix=SAMPLE_PREFIX
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.work_sample_create(
                profile=profile,
                title=data["title"],
                description=data["description"],
                link=data["link"],
                is_public=data["is_public"],
                image=data["image"] or None,
            )
        except ApplicationError as refused:
            form.add_error("image", refused.detail)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"“{data['title']}” is added to your work samples.")
            return redirect(reverse("profiles:edit") + "#samples")
    return render(
        request,
        "profiles/edit.html",
        _edit_context(request, profile, sample_form=form),
        status=400,
    )


def _own_sample_or_404(request, sample_id):
    sample = selectors.work_sample_for_owner(user=request.user, sample_id=sample_id)
    if sample is None:
        raise Http404("No such work sample.")
    return sample


@login_required
@require_http_methods(["GET", "POST"])
@capped_upload(WORK_SAMPLE)
def sample_edit(request, sample_id, handler):
    sample = _own_sample_or_404(request, sample_id)
    if request.method == "POST":
        form = WorkSampleForm(
            request.POST, request.FILES, too_large=handler.too_large_fields, editing=True
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.work_sample_update(
                    sample=sample,
                    title=data["title"],
                    description=data["description"],
                    link=data["link"],
                    is_public=data["is_public"],
                    image=data["image"] or None,
                    remove_image=data["remove_image"],
                )
            except ApplicationError as refused:
                form.add_error("image", refused.detail)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, f"“{data['title']}” is saved.")
                return redirect(reverse("profiles:edit") + "#samples")
        status = 400
    else:
        form = WorkSampleForm(
            editing=True,
            initial={
                "title": sample.title,
                "description": sample.description,
                "link": sample.link,
                "is_public": sample.is_public,
            },
        )
        status = 200
    return render(
        request,
        "profiles/sample_edit.html",
        {"form": form, "sample": sample, "profile": sample.profile},
        status=status,
    )


@login_required
@require_POST
def sample_delete(request, sample_id):
    sample = _own_sample_or_404(request, sample_id)
    title = sample.title
    services.work_sample_delete(sample=sample)
    messages.success(request, f"“{title}” is removed from your work samples.")
    return redirect(reverse("profiles:edit") + "#samples")


@login_required
@require_POST
def sample_move(request, sample_id):
    sample = _own_sample_or_404(request, sample_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    services.work_sample_move(sample=sample, offset=offset)
    return redirect(reverse("profiles:edit") + f"#sample-{sample.pk}")


# --- Search ----------------------------------------------------------------------------------


@login_required
@require_GET
def freelancer_search(request):
    popular = selectors.popular_skills(limit=12)
    form = SearchForm(request.GET, skill_names=popular)
    criteria = form.criteria()
    page, capped = None, False
    if not criteria.is_empty:
        results = selectors.freelancer_search(
            q=criteria.q,
            skills=criteria.skills,
            rate_min=criteria.rate_min,
            rate_max=criteria.rate_max,
            currency=criteria.currency,
            availability=criteria.availability,
        )
        page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        capped = results.capped
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context = {
        "form": form,
        "criteria": criteria,
        "page": page,
        "capped": capped,
        "popular_skills": popular,
        "query_string": query_without_page.urlencode(),
        "filter_count": len(criteria.skills)
        + len(criteria.availability)
        + (criteria.rate_min is not None)
        + (criteria.rate_max is not None),
        # Skill chips that match what was asked for are highlighted on the cards.
        "highlight": {
            normalize_skill(s) for s in (*criteria.skills, criteria.q, *criteria.q.split())
        },
    }
    return render(request, "profiles/search.html", context)
