"""The account's own pages: "Your data" (download it all as JSON) and "Delete my account".
Thin: parse, call one service, render."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import RateLimited
from core.http import error_response, private_file_response
from profiles import services
from profiles.forms import AccountDeleteForm


@login_required
@require_GET
def account_data(request):
    return render(request, "profiles/account_data.html")


@login_required
@require_POST
def account_data_download(request):
    filename, content = services.account_export_file(user=request.user)
    return private_file_response(content, filename=filename, content_type="application/json")


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    posted = request.method == "POST"
    # Retyping the password is a re-authentication: allauth's limit for it guards the guesses.
    if posted and not ratelimit.consume(request, action="reauthenticate", user=request.user):
        return error_response(
            request, RateLimited("Too many tries. Wait a minute, then try again.", retry_after=60)
        )
    by_password = services.confirms_with_password(request.user)
    form = AccountDeleteForm(request.POST if posted else None, by_password=by_password)
    blockers = services.account_deletion_blockers(user=request.user)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                services.account_delete(
                    user=request.user, confirmation=form.cleaned_data["confirmation"]
                )
            except services.WrongConfirmation as wrong:
                form.add_error("confirmation", wrong.detail)
            except services.AccountDeletionRefused as refused:
                blockers, status = refused.blockers, refused.http_status
            else:
                logout(request)
                messages.success(request, "Your account is deleted. Thank you for using Tandem.")
                return redirect("/")
    context = {"form": form, "blockers": blockers, "by_password": by_password}
    return render(request, "profiles/account_delete.html", context, status=status)
