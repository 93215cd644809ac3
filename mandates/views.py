"""Pages for client contacts (/client/), the manager's answers to mandates and consent requests, and who starts
where.

Staff work in the admin (``mandates/admin.py``). Every object here is fetched through ``mandates.access`` and shown
through ``mandates.presenters``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from managers.cv import cv_file_response
from manatnet import audit

from . import access, consent, services
from .forms import ClientFeedbackForm, ConsentAnswerForm, ManagerResponseForm
from .models import Candidacy, ClientContact, ConsentRequest
from .presenters import client_candidate_view, manager_mandate_view


@login_required
def start_page(request):
    """Send each person to their own start page: staff to the admin, clients to their mandates, managers to theirs.
    (Here rather than in ``manatnet``: this app is the one that knows both client contacts and managers.)"""
    if request.user.is_staff:
        return redirect("admin:index")
    if ClientContact.objects.filter(user=request.user).exists():
        return redirect("client_mandates")
    return redirect("manager_dashboard")


@login_required
def client_mandates(request):
    mandates = (
        access.client_mandates(request.user)
        .select_related("company")
        .annotate(
            shown=Count(
                "candidacies",
                filter=Q(
                    candidacies__presented_at__isnull=False,
                    candidacies__stage__in=Candidacy.SHOWN_STAGES,
                ),
            )
        )
    )
    return render(request, "clients/mandates.html", {"mandates": mandates})


def _feedback_form(card, bound_form=None, bound_for=None):
    if bound_for == card.id:
        return bound_form
    initial = {}
    if card.client_wants_meeting is not None:
        initial = {"wants_meeting": "yes" if card.client_wants_meeting else "no", "comment": card.client_comment}
    return ClientFeedbackForm(initial=initial, prefix=f"c{card.id}")


def _audit_released_cards(request, candidacies, company):
    """A client seeing a released card sees the person: who saw whom goes into the audit log."""
    released = [(c.manager.user_id, c) for c in candidacies if c.released_at is not None]
    if released:
        audit.record_each(audit.Action.CARD_VIEWED, actor=request.user, items=released, company=company.name)


def _render_mandate(request, mandate, bound_form=None, bound_for=None, status=200):
    candidacies = access.with_client_profile(access.client_candidacies(request.user).filter(mandate=mandate))
    cards, records, shown = [], [], []
    for candidacy in candidacies.order_by("client_number", "id"):
        candidacy.mandate = mandate  # already loaded; spares a query per row
        view = client_candidate_view(candidacy)
        if view.kind == "card":
            cards.append({"card": view, "form": _feedback_form(view, bound_form, bound_for)})
            shown.append(candidacy)
        else:
            records.append(view)
    _audit_released_cards(request, shown, mandate.company)
    context = {"mandate": mandate, "cards": cards, "records": records}
    return render(request, "clients/mandate_detail.html", context, status=status)


@login_required
def client_mandate_detail(request, pk):
    mandate = access.get_mandate_for_client(request.user, pk)
    return _render_mandate(request, mandate)


@login_required
def client_candidate(request, pk):
    """One candidate's card on its own page (the mandate page shows all of them)."""
    candidacy = access.get_candidacy_for_client(request.user, pk)
    card = client_candidate_view(candidacy)
    _audit_released_cards(request, [candidacy], candidacy.mandate.company)
    context = {"mandate": candidacy.mandate, "card": card, "form": _feedback_form(card)}
    return render(request, "clients/candidate.html", context)


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
            form.add_error(None, exc)
        else:
            messages.success(request, _("Danke, Ihre Rückmeldung ist bei uns angekommen."))
            return redirect("client_mandate_detail", pk=candidacy.mandate_id)
    mandate = access.get_mandate_for_client(request.user, candidacy.mandate_id)
    return _render_mandate(request, mandate, bound_form=form, bound_for=candidacy.pk, status=400)


@login_required
def client_candidate_cv(request, pk):
    """The CV frozen at release; nothing before release or after the client's access ended."""
    candidacy = access.get_candidacy_for_client(request.user, pk)
    if candidacy.released_at is None:
        raise Http404
    response = cv_file_response(candidacy.released_cv_file, candidacy.released_cv_name)
    audit.record(
        audit.Action.CV_DOWNLOADED,
        actor=request.user,
        subject=candidacy.manager.user_id,
        company=candidacy.mandate.company.name,
        target=candidacy,
    )
    return response


# --- Managers -----------------------------------------------------------------------------------------------------


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


def _answer_consent(request, consent_request, channel):
    """Parse the answer form, call the service; returns the error message or None."""
    form = ConsentAnswerForm(request.POST)
    if not form.is_valid():
        return " ".join(msg for errors in form.errors.values() for msg in errors)
    try:
        services.consent_answer(
            request=consent_request,
            agreed=form.cleaned_data["agreed"],
            channel=channel,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        return " ".join(exc.messages)
    return None


def _consent_thanks(agreed):
    if agreed:
        return _("Danke! Wir stellen Ihr Profil dem Kunden vor, zunächst anonym.")
    return _("Danke für Ihre Antwort. Wir stellen Ihr Profil für dieses Mandat nicht vor.")


@login_required
@require_POST
def manager_consent_answer(request, pk):
    """The dashboard's answer to a consent request ("Anfragen")."""
    consent_request = access.get_open_consent_request_for_manager(request.user, pk)
    problem = _answer_consent(request, consent_request, ConsentRequest.Channel.APP)
    if problem:
        messages.error(request, problem)
    else:
        messages.success(request, _consent_thanks(request.POST.get("agreed") == "yes"))
    return redirect("manager_dashboard")


@never_cache
def manager_consent_token(request, token):
    """Answer a consent request from the link in its mail, without logging in.

    GET shows the mandate and the wording; only the POST (a button the manager presses) records the answer, so a
    mail scanner fetching the link agrees to nothing.
    """
    try:
        consent_request = consent.request_for_token(token)
    except consent.TokenUsed:
        return _consent_problem(request, _("Diese Anfrage ist bereits beantwortet. Danke!"), 200)
    except consent.TokenExpired:
        return _consent_problem(request, _("Dieser Link ist abgelaufen."), 410)
    except consent.TokenInvalid:
        return _consent_problem(request, _("Dieser Link ist ungültig."), 400)
    candidacy = consent_request.candidacy
    context = {
        "consent_request": consent_request,
        "mandate": manager_mandate_view(candidacy.mandate, candidacy),
        "name": candidacy.manager.user.first_name,
        "wording": consent.wording(),
    }
    if request.method == "POST":
        problem = _answer_consent(request, consent_request, ConsentRequest.Channel.LINK)
        if problem:
            return render(request, "mandates/consent_token.html", {**context, "error": problem}, status=400)
        context["done"] = _consent_thanks(request.POST.get("agreed") == "yes")
    return render(request, "mandates/consent_token.html", context)


def _consent_problem(request, problem, status):
    return render(request, "mandates/consent_token.html", {"problem": problem}, status=status)
