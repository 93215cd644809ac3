"""Pages for client contacts (/client/) and the manager's answer to a matching mandate.

Staff work in the admin (``mandates/admin.py``). Every object here is fetched through ``mandates.access``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from managers.cv import cv_response
from managers.models import LanguageSkill, MandateHistoryEntry

from . import access, services
from .forms import ClientFeedbackForm, ManagerResponseForm


@login_required
def client_mandates(request):
    mandates = (
        access.client_mandates(request.user)
        .select_related("company")
        .annotate(released=Count("candidacies", filter=Q(candidacies__released_at__isnull=False)))
    )
    return render(request, "clients/mandates.html", {"mandates": mandates})


def _render_mandate(request, mandate, bound_form=None, bound_for=None, status=200):
    candidacies = (
        access.client_candidacies(request.user)
        .filter(mandate=mandate)
        .select_related("manager")
        .prefetch_related(
            "manager__functions",
            "manager__industries",
            "manager__skills",
            Prefetch("manager__language_skills", queryset=LanguageSkill.objects.select_related("language")),
            Prefetch("manager__history", queryset=MandateHistoryEntry.objects.select_related("industry")),
        )
    )
    rows = []
    for number, candidacy in enumerate(candidacies, start=1):
        if bound_for == candidacy.pk:
            form = bound_form
        else:
            initial = {}
            if candidacy.client_wants_meeting is not None:
                initial = {
                    "wants_meeting": "yes" if candidacy.client_wants_meeting else "no",
                    "comment": candidacy.client_feedback,
                }
            form = ClientFeedbackForm(initial=initial, prefix=f"c{candidacy.pk}")
        candidacy.mandate = mandate  # already loaded; spares a query per row
        rows.append(
            {
                "number": number,
                "candidacy": candidacy,
                "profile": candidacy.manager,
                "form": form,
                "can_answer": services.client_can_answer(candidacy),
            }
        )
    return render(request, "clients/mandate_detail.html", {"mandate": mandate, "rows": rows}, status=status)


@login_required
def client_mandate_detail(request, pk):
    mandate = access.get_mandate_for_client(request.user, pk)
    return _render_mandate(request, mandate)


@login_required
@require_POST
def client_feedback(request, pk):
    candidacy = access.get_candidacy_for_client(request.user, pk)
    form = ClientFeedbackForm(request.POST, prefix=f"c{candidacy.pk}")
    if form.is_valid():
        try:
            services.client_feedback(
                candidacy=candidacy,
                user=request.user,
                wants_meeting=form.cleaned_data["wants_meeting"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            if services.client_can_answer(candidacy):
                form.add_error(None, exc)
            else:
                # The form is not shown for a candidate out of the race, so the reason goes to the top of the page.
                messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Danke, Ihre Rückmeldung ist bei uns angekommen."))
            return redirect("client_mandate_detail", pk=candidacy.mandate_id)
    mandate = access.get_mandate_for_client(request.user, candidacy.mandate_id)
    return _render_mandate(request, mandate, bound_form=form, bound_for=candidacy.pk, status=400)


@login_required
def client_candidate_cv(request, pk):
    candidacy = access.get_candidacy_for_client(request.user, pk)
    return cv_response(candidacy.manager)


@login_required
@require_POST
def manager_mandate_respond(request, pk):
    """The dashboard's "I'm interested" / "not for me (reason)" buttons."""
    mandate = access.get_open_mandate_for_manager(request.user, pk)
    profile = access.manager_profile_of(request.user)
    form = ManagerResponseForm(request.POST)
    if form.is_valid():
        try:
            services.manager_respond(
                mandate=mandate,
                profile=profile,
                interested=form.cleaned_data["interested"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Danke, Ihre Antwort ist gespeichert."))
    else:
        messages.error(request, " ".join(msg for errors in form.errors.values() for msg in errors))
    return redirect("manager_dashboard")
