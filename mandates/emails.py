"""What the mandate e-mails say: one context builder per notification kind, loaded fresh at send time.

Registered with ``notifications.rendering.kind``; the templates are ``templates/emails/<kind>-*.txt|html``.
A builder raises ``Skip`` when the mail no longer makes sense (mandate closed or gone, candidacy deleted), so the
outbox row ends as "skipped" with that note rather than as an error.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from managers.models import ManagerProfile
from notifications.models import Notification
from notifications.rendering import Skip, absolute, kind, lookup, url

from .models import Candidacy, Mandate


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
        Candidacy.objects.select_related("mandate__company", "mandate__function", "manager__user")
        .filter(pk=notification.context.get("candidacy_id"))
        .first()
    )
    if candidacy is None:
        raise Skip(_("Die Kandidatur existiert nicht mehr."))
    return candidacy


def _admin_url(obj):
    return absolute(reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]))


def _answer_urls(mandate):
    """Where a manager answers "interested" / "not for me": the matching-mandates panel on their dashboard."""
    base = url("manager_dashboard", "/manager/")
    return {"answer_url": f"{base}#mandate-{mandate.pk}"}


def _opted_out(notification):
    try:
        profile = notification.recipient.manager_profile
    except ManagerProfile.DoesNotExist:
        return True
    return profile.notify_matches == ManagerProfile.Notify.NEVER


@kind("match_alert")
def match_alert(notification):
    if _opted_out(notification):
        raise Skip(_("Der Manager hat Mandatsvorschläge abbestellt."))
    mandate = _mandate(notification, must_be_open=True)
    return {
        "mandate": mandate,
        "score": notification.context.get("score"),
        "criteria": notification.context.get("criteria", []),
        **_answer_urls(mandate),
    }


@kind("match_digest")
def match_digest(notification):
    """The day's match alerts of one manager in one mail; alerts for mandates closed meanwhile are left out."""
    if _opted_out(notification):
        raise Skip(_("Der Manager hat Mandatsvorschläge abbestellt."))
    items = list(notification.items.filter(state=Notification.State.PENDING).order_by("id"))
    mandates = Mandate.objects.select_related("function", "region").in_bulk(
        [item.context.get("mandate_id") for item in items]
    )
    entries, closed = [], []
    for item in items:
        mandate = mandates.get(item.context.get("mandate_id"))
        if mandate is None or not mandate.is_open:
            closed.append(item.id)
            continue
        entries.append(
            {
                "mandate": mandate,
                "score": item.context.get("score"),
                "criteria": item.context.get("criteria", []),
                **_answer_urls(mandate),
            }
        )
    if closed:
        Notification.objects.filter(id__in=closed).update(
            state=Notification.State.SKIPPED, last_error=_("Das Mandat ist nicht mehr offen.")
        )
    if not entries:
        raise Skip(_("Alle Mandate dieser Zusammenfassung sind inzwischen geschlossen."))
    return {"entries": entries, "date": notification.context.get("date")}


@kind("mandate_opened_summary")
def mandate_opened_summary(notification):
    mandate = _mandate(notification)
    return {
        "mandate": mandate,
        "strong_count": notification.context.get("strong_count", 0),
        "ranked_count": notification.context.get("ranked_count", 0),
        "threshold": notification.context.get("threshold"),
        "admin_url": _admin_url(mandate),
    }


def _candidacy_context(notification):
    candidacy = _candidacy(notification)
    return {
        "candidacy": candidacy,
        "mandate": candidacy.mandate,
        "reason": notification.context.get("reason", ""),
        "dashboard_url": url("manager_dashboard", "/manager/"),
    }


kind("candidacy_shortlisted")(_candidacy_context)
kind("candidacy_presented")(_candidacy_context)
kind("candidacy_declined")(_candidacy_context)


@kind("manager_interested")
def manager_interested(notification):
    candidacy = _candidacy(notification)
    return {"candidacy": candidacy, "mandate": candidacy.mandate, "admin_url": _admin_url(candidacy.mandate)}


@kind("client_feedback")
def client_feedback(notification):
    candidacy = _candidacy(notification)
    return {"candidacy": candidacy, "mandate": candidacy.mandate, "admin_url": _admin_url(candidacy.mandate)}


@kind("shortlist_sent")
def shortlist_sent(notification):
    mandate = _mandate(notification)
    count = Candidacy.objects.filter(mandate=mandate, released_at__isnull=False).count()
    return {"mandate": mandate, "count": count, "client_url": url("client_mandate_detail", "/client/", mandate.pk)}
