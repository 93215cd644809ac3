from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from manatnet import audit
from manatnet.staff import staff_view

from . import forms
from .access import get_own_history_entry, get_own_profile, get_profile_for_staff
from .cv import cv_response
from .dashboard import dashboard_panels
from .erasure import manager_erase
from .export import manager_export_zip
from .models import ManagerProfile
from .services import availability_confirm, history_remove, history_save, manager_set_status, profile_set_languages
from .tokens import TokenExpired, TokenInvalid, TokenUsed, profile_for_token


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    intro: str
    form_class: type | None = None


# The wizard walks these in order; afterwards each is its own edit page.
SECTIONS = [
    Section(
        "personal",
        gettext_lazy("Person und Kontakt"),
        gettext_lazy("Wie wir und später unsere Kunden Sie erreichen."),
        forms.PersonalForm,
    ),
    Section(
        "positioning",
        gettext_lazy("Kurzprofil und Lebenslauf"),
        gettext_lazy("Das lesen Kunden zuerst: wer Sie sind, was Sie auszeichnen, Ihr Lebenslauf."),
        forms.PositioningForm,
    ),
    Section(
        "functions",
        gettext_lazy("Funktionen"),
        gettext_lazy("In welchen Rollen übernehmen Sie Mandate?"),
        forms.FunctionsForm,
    ),
    Section(
        "industries",
        gettext_lazy("Branchen"),
        gettext_lazy("In welchen Branchen (NACE Rev. 2) haben Sie Erfahrung?"),
        forms.IndustriesForm,
    ),
    Section(
        "skills",
        gettext_lazy("Kompetenzen"),
        gettext_lazy("Wählen Sie aus der Liste, was Sie nachweislich können."),
        forms.SkillsForm,
    ),
    Section(
        "languages",
        gettext_lazy("Sprachen"),
        gettext_lazy("Sprachen mit Niveau nach dem Gemeinsamen Europäischen Referenzrahmen (GER)."),
    ),
    Section(
        "mobility",
        gettext_lazy("Wohnort und Einsatzregionen"),
        gettext_lazy("Wo Sie wohnen, wo Sie arbeiten würden und wie viel remote gehen soll."),
        forms.MobilityForm,
    ),
    Section(
        "availability",
        gettext_lazy("Verfügbarkeit und Tagessatz"),
        gettext_lazy("Ab wann, wie viele Tage pro Woche und zu welchem Tagessatz."),
        forms.AvailabilityForm,
    ),
    Section(
        "history",
        gettext_lazy("Mandatshistorie"),
        gettext_lazy("Ihre letzten Mandate und Positionen mit Ergebnis."),
    ),
]
SECTION_BY_SLUG = {s.slug: s for s in SECTIONS}


def _section_or_404(slug):
    if slug not in SECTION_BY_SLUG:
        raise Http404
    return SECTION_BY_SLUG[slug]


def _next_url(section, wizard):
    """After saving: back to the profile, or in the wizard on to the next step (history, the last, ends it)."""
    if not wizard:
        return reverse("manager_profile")
    return reverse("manager_wizard", args=[SECTIONS[SECTIONS.index(section) + 1].slug])


def _wizard_context(section, wizard):
    if not wizard:
        return {}
    index = SECTIONS.index(section)
    return {
        "wizard": True,
        "step": index + 1,
        "steps": len(SECTIONS),
        "progress": round(100 * (index + 1) / len(SECTIONS)),
    }


@login_required
def dashboard(request):
    profile = get_own_profile(request.user)
    return render(
        request,
        "managers/dashboard.html",
        {"profile": profile, "completeness": profile.completeness(), "panels": dashboard_panels(profile)},
    )


@login_required
def profile_overview(request):
    profile = get_own_profile(request.user, detailed=True)
    return render(
        request,
        "managers/profile.html",
        {"profile": profile, "sections": SECTIONS, "completeness": profile.completeness()},
    )


@login_required
def wizard_start(request):
    """Start (or resume) the wizard at the first step that still has something open."""
    open_sections = {check.criterion.section for check in get_own_profile(request.user).completeness().missing}
    first = next((s for s in SECTIONS if s.slug in open_sections), SECTIONS[0])
    return redirect("manager_wizard", first.slug)


@login_required
def section_edit(request, section, wizard=False):
    profile = get_own_profile(request.user)
    section = _section_or_404(section)
    if section.slug == "languages":
        return _languages(request, profile, section, wizard)
    if section.slug == "history":
        # The wizard's last step adds the latest mandate; outside the wizard history has its own list page.
        return history_add(request, wizard=True) if wizard else redirect("manager_history")
    form_class = section.form_class
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, profile=profile)
        if form.is_valid():
            form.save(profile)
            messages.success(request, _("„%(section)s“ gespeichert.") % {"section": section.title})
            return redirect(_next_url(section, wizard))
    else:
        form = form_class(initial=form_class.initial_for(profile), profile=profile)
    return render(
        request,
        "managers/section.html",
        {
            "profile": profile,
            "section": section,
            "form": form,
            "cv_max_mb": settings.CV_MAX_BYTES // (1024 * 1024),
            **_wizard_context(section, wizard),
        },
    )


def _languages(request, profile, section, wizard):
    formset = forms.language_formset(profile, request.POST if request.method == "POST" else None)
    if request.method == "POST" and formset.is_valid():
        profile_set_languages(profile=profile, levels=formset.levels())
        messages.success(request, _("„%(section)s“ gespeichert.") % {"section": section.title})
        return redirect(_next_url(section, wizard))
    return render(
        request,
        "managers/languages.html",
        {"profile": profile, "section": section, "formset": formset, **_wizard_context(section, wizard)},
    )


@login_required
def history_list(request):
    profile = get_own_profile(request.user)
    return render(
        request,
        "managers/history_list.html",
        {
            "profile": profile,
            "section": SECTION_BY_SLUG["history"],
            "entries": profile.history.select_related("industry"),
        },
    )


@login_required
def history_add(request, wizard=False):
    profile = get_own_profile(request.user)
    section = SECTION_BY_SLUG["history"]
    form = forms.HistoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        history_save(profile=profile, data=form.cleaned_data)
        messages.success(request, _("Mandat hinzugefügt."))
        if wizard:
            messages.info(
                request, _("Geschafft! Ihr Profil ist angelegt. Sie können jeden Abschnitt jederzeit ändern.")
            )
            return redirect("manager_dashboard")
        return redirect("manager_history")
    return render(
        request,
        "managers/history_form.html",
        {"profile": profile, "section": section, "form": form, **_wizard_context(section, wizard)},
    )


@login_required
def history_edit(request, pk):
    profile = get_own_profile(request.user)
    entry = get_own_history_entry(profile, pk)
    form = forms.HistoryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        history_save(profile=profile, entry=entry, data=form.cleaned_data)
        messages.success(request, _("Mandat gespeichert."))
        return redirect("manager_history")
    return render(
        request,
        "managers/history_form.html",
        {"profile": profile, "section": SECTION_BY_SLUG["history"], "form": form, "entry": entry},
    )


@login_required
def history_delete(request, pk):
    profile = get_own_profile(request.user)
    entry = get_own_history_entry(profile, pk)
    if request.method == "POST":
        history_remove(profile=profile, entry=entry)
        messages.success(request, _("Mandat entfernt."))
        return redirect("manager_history")
    return render(request, "managers/history_delete.html", {"profile": profile, "entry": entry})


@login_required
def cv_download(request):
    return cv_response(get_own_profile(request.user))


@staff_view("managers.view_manager_cv")
def cv_download_staff(request, public_id):
    profile = get_profile_for_staff(request.user, public_id)
    response = cv_response(profile)
    audit.record(audit.Action.CV_DOWNLOADED, actor=request.user, subject=profile.user_id, target=profile)
    return response


@login_required
@require_POST
def availability_confirm_view(request):
    profile = get_own_profile(request.user)
    availability_confirm(profile=profile)
    if profile.availability_is_past():
        messages.warning(
            request,
            _("Bestätigt – aber Ihr Verfügbarkeitsdatum liegt in der Vergangenheit. Bitte aktualisieren Sie es."),
        )
    else:
        messages.success(request, _("Danke! Ihre Verfügbarkeit ist als aktuell bestätigt."))
    # Only our own pages are valid targets: the button sits on the dashboard and the profile page.
    target = request.POST.get("next")
    return redirect(
        target if target in (reverse("manager_profile"), reverse("manager_dashboard")) else "manager_dashboard"
    )


@login_required
@require_POST
def status_toggle(request):
    """A manager pauses match suggestions (busy, on holiday) or resumes them; placed and left are set by staff."""
    profile = get_own_profile(request.user)
    Status = ManagerProfile.Status
    action = request.POST.get("action")
    if action == "pause" and profile.status == Status.ACTIVE:
        manager_set_status(profile=profile, status=Status.PAUSED, reason="self-service")
        messages.success(
            request, _("Ihr Profil ist pausiert. Wir schlagen Ihnen bis zur Reaktivierung keine Mandate vor.")
        )
    elif action == "resume" and profile.status == Status.PAUSED:
        manager_set_status(profile=profile, status=Status.ACTIVE, reason="self-service")
        messages.success(request, _("Willkommen zurück! Ihr Profil ist wieder aktiv."))
    return redirect("manager_dashboard")


@never_cache
def availability_token(request, token):
    """Confirm availability from the link in a reminder mail, without logging in.

    Only the POST confirms: mail scanners and link previews fetch links and must not confirm on the manager's
    behalf (the same reason allauth confirms e-mail addresses by POST). In a real browser the page submits
    itself (static/js/auto-submit.js), so the click in the mail is the one click; without JavaScript the page
    shows the data and one button.
    """
    try:
        profile = profile_for_token(token)
    except TokenUsed:
        return _token_problem(request, _("Dieser Link wurde bereits verwendet. Ihre Verfügbarkeit ist bestätigt."), 200)
    except TokenExpired:
        return _token_problem(request, _("Dieser Link ist abgelaufen."), 410)
    except TokenInvalid:
        return _token_problem(request, _("Dieser Link ist ungültig."), 400)
    if request.method == "POST":
        availability_confirm(profile=profile)
        return render(request, "managers/availability_token.html", {"profile": profile, "done": True})
    return render(request, "managers/availability_token.html", {"profile": profile})


def _token_problem(request, problem, status):
    return render(request, "managers/availability_token.html", {"problem": problem}, status=status)


@login_required
def notifications(request):
    profile = get_own_profile(request.user)
    form = forms.NotificationsForm(
        request.POST or None, initial=forms.NotificationsForm.initial_for(profile), profile=profile
    )
    if request.method == "POST" and form.is_valid():
        form.save(profile)
        messages.success(request, _("Ihre Benachrichtigungseinstellungen sind gespeichert."))
        return redirect("manager_notifications")
    return render(request, "managers/notifications.html", {"profile": profile, "form": form})


@login_required
def data_export(request):
    profile = get_own_profile(request.user)
    form = forms.PasswordConfirmForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        response = HttpResponse(manager_export_zip(profile, by=request.user), content_type="application/zip")
        filename = f"manatnet-daten-{timezone.localdate():%Y-%m-%d}.zip"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "private, no-store"
        return response
    return render(request, "managers/export.html", {"profile": profile, "form": form})


@login_required
def account_delete(request):
    profile = get_own_profile(request.user)
    form = forms.EraseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        manager_erase(profile=profile, by=request.user)
        logout(request)
        messages.success(request, _("Ihr Konto und alle Ihre Daten wurden gelöscht. Alles Gute!"))
        return redirect("home")
    return render(request, "managers/delete.html", {"profile": profile, "form": form})
