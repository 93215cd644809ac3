"""What the mandate e-mails say, and who client contacts are as recipients.

One context builder per notification kind, declared with ``@notification_kind`` and loaded fresh at send time;
the templates are ``mandates/templates/emails/<kind>-*.txt|html``. A builder raises ``Skip`` when the mail no
longer makes sense (mandate closed or gone, candidacy deleted), so the outbox row ends as "skipped" with that note
rather than as an error.

Mails to managers and clients get presenters (``mandates.presenters``), never models: a manager's mail shows the
mandate as ``ManagerMandateView``, so an internal title, the client price or a client's comment cannot slip into a
template. Staff mails (owner notices) get the models.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from managers.emails import MATCH_ALERTS
from notifications.kinds import notification_kind
from notifications.models import Notification
from notifications.recipients import Recipient, recipient_source
from notifications.rendering import Skip, absolute, lookup, shared_fragment, url

from . import consent
from .matching import percent
from .models import Candidacy, ClientContact, ConsentRequest, Mandate
from .presenters import manager_mandate_view


@recipient_source()
def client_contacts(user_ids):
    """Client contacts choose their e-mail language; they have no notification settings to change."""
    contacts = ClientContact.objects.filter(user_id__in=user_ids).only("user_id", "email_language")
    return {contact.user_id: Recipient(language=contact.email_language) for contact in contacts}


def _mandate(notification, *, must_be_open=False):
    pk = notification.context.get("mandate_id")
    mandate = lookup(
        ("mandate", pk),
        lambda: Mandate.objects.select_related("function", "region", "company", "owner").filter(pk=pk).first(),
    )
    if mandate is None:
        raise Skip(_("Das Mandat existiert nicht mehr."))
    if must_be_open and not mandate.is_open:
        raise Skip(_("Das Mandat ist nicht mehr offen."))
    return mandate


def _candidacy(notification):
    candidacy = (
        Candidacy.objects.select_related(
            "mandate__company", "mandate__function", "mandate__region", "mandate__owner", "manager__user"
        )
        .filter(pk=notification.context.get("candidacy_id"))
        .first()
    )
    if candidacy is None:
        raise Skip(_("Die Kandidatur existiert nicht mehr."))
    return candidacy


def _admin_url(obj):
    return absolute(reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]))


def _dashboard_url():
    return url("manager_dashboard")


def _proposal(mandate, notification):
    """One proposed mandate as a manager sees it: the anonymous view every recipient shares (rendered once per
    batch and language), their own score with its explanation, and where to answer."""
    view = manager_mandate_view(mandate)
    return {
        "mandate": view,
        "mandate_text": shared_fragment("emails/_mandate_facts.txt", {"mandate": view}, key=mandate.pk),
        "mandate_html": shared_fragment("emails/_mandate_facts.html", {"mandate": view}, key=mandate.pk),
        "score": percent(notification.context.get("score")),
        "criteria": notification.context.get("criteria", []),
        # The matching-mandates panel on their dashboard, where they answer "interested" / "not for me".
        "answer_url": f"{_dashboard_url()}#mandate-{mandate.pk}",
    }


@notification_kind("match_alert", opt_out=MATCH_ALERTS)
def match_alert(notification):
    return _proposal(_mandate(notification, must_be_open=True), notification)


@notification_kind("match_digest", opt_out=MATCH_ALERTS, digest_of="match_alert")
def match_digest(notification):
    """The day's match alerts of one manager in one mail; alerts for mandates closed meanwhile are left out."""
    items = list(notification.items.filter(state=Notification.State.PENDING).order_by("id"))
    mandates = Mandate.objects.select_related("function", "region", "company").in_bulk(
        [item.context.get("mandate_id") for item in items]
    )
    entries, closed = [], []
    for item in items:
        mandate = mandates.get(item.context.get("mandate_id"))
        if mandate is None or not mandate.is_open:
            closed.append(item.id)
            continue
        entries.append(_proposal(mandate, item))
    if closed:
        Notification.objects.filter(id__in=closed).update(
            state=Notification.State.SKIPPED, last_error=_("Das Mandat ist nicht mehr offen.")
        )
    if not entries:
        raise Skip(_("Alle Mandate dieser Zusammenfassung sind inzwischen geschlossen."))
    return {"entries": entries, "date": notification.context.get("date")}


@notification_kind("mandate_opened_summary")
def mandate_opened_summary(notification):
    mandate = _mandate(notification)
    return {
        "mandate": mandate,
        "strong_count": notification.context.get("strong_count", 0),
        "ranked_count": notification.context.get("ranked_count", 0),
        "threshold": notification.context.get("threshold"),
        "admin_url": _admin_url(mandate),
    }


def _manager_candidacy_context(candidacy):
    return {"mandate": manager_mandate_view(candidacy.mandate, candidacy), "dashboard_url": _dashboard_url()}


@notification_kind("candidacy_shortlisted")
def candidacy_shortlisted(notification):
    candidacy = _candidacy(notification)
    return {**_manager_candidacy_context(candidacy), "consented": candidacy.has_consent}


@notification_kind("candidacy_presented")
def candidacy_presented(notification):
    return _manager_candidacy_context(_candidacy(notification))


@notification_kind("candidacy_declined")
def candidacy_declined(notification):
    """Only the neutral reason staff chose; the client's comment and the internal reason stay with staff."""
    candidacy = _candidacy(notification)
    return {**_manager_candidacy_context(candidacy), "reason": candidacy.manager_message()}


@notification_kind("consent_request")
def consent_request(notification):
    request = ConsentRequest.objects.filter(pk=notification.context.get("request_id")).first()
    if request is None:
        raise Skip(_("Die Anfrage existiert nicht mehr."))
    if not request.is_open():
        raise Skip(_("Die Anfrage ist bereits beantwortet oder abgelaufen."))
    candidacy = _candidacy(notification)
    if not candidacy.mandate.is_open:
        raise Skip(_("Das Mandat ist nicht mehr offen."))
    return {
        **_manager_candidacy_context(candidacy),
        "wording": consent.wording(),
        "answer_url": consent.consent_url(request),
        "expires_at": request.expires_at,
    }


@notification_kind("manager_interested")
def manager_interested(notification):
    candidacy = _candidacy(notification)
    return {
        "candidacy": candidacy,
        "mandate": candidacy.mandate,
        "score": candidacy.score_percent,
        "admin_url": _admin_url(candidacy.mandate),
    }


@notification_kind("client_feedback")
def client_feedback(notification):
    candidacy = _candidacy(notification)
    return {"candidacy": candidacy, "mandate": candidacy.mandate, "admin_url": _admin_url(candidacy.mandate)}


@notification_kind("shortlist_sent")
def shortlist_sent(notification):
    """To the client: how many candidates are in front of them now; names and CVs are not in mails at all."""
    mandate = _mandate(notification)
    count = Candidacy.objects.shown_to_client().filter(mandate=mandate).count()
    return {"mandate": mandate, "count": count, "client_url": url("client_mandate_detail", mandate.pk)}
