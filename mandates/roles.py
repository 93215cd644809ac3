"""The staff groups and what each may do (least privilege; docs/security.md, "Staff permissions").

A staff member gets their rights by being put in one of these groups in the admin, never one by one. The groups
are created by a data migration (``0012_staff_groups``) that calls :func:`create_groups`; a later change adds a
data migration of its own that grants or revokes (``manatnet.staff.grant``), so existing installations follow.
Superusers are for setting up an installation only: they pass every check.

* **Vermittlung** (consultants): the brokering work — mandates, clients and contacts, candidacies from ranking to
  placement, manager profiles and their CVs.
* **Teamleitung** (team leads): everything of Vermittlung, plus analytics, the audit log, resending
  notifications, correcting placements and answering requests for a copy of someone's data.
* **Administration**: everything of Teamleitung, plus staff accounts and groups, e-mail addresses and second
  factors, reference data, deleting mandates, and erasing someone's data on request.
"""

from manatnet.staff import grant

REFERENCE = ["function", "industry", "skillgroup", "skill", "language", "country", "region"]


def _model(app_label, model, *actions):
    return [f"{app_label}.{action}_{model}" for action in actions]


VERMITTLUNG = [
    *[perm for model in REFERENCE for perm in _model("managers", model, "view")],
    *_model("managers", "managerprofile", "view", "change"),
    *_model("managers", "languageskill", "view", "add", "change", "delete"),
    *_model("managers", "mandatehistoryentry", "view", "add", "change", "delete"),
    *_model("managers", "managerstatuschange", "view"),
    *_model("managers", "privacyconsent", "view"),
    "managers.view_manager_cv",
    *_model("mandates", "clientcompany", "view", "add", "change"),
    # Contacts log in: a new one needs an account, which Administration creates (with the contact).
    *_model("mandates", "clientcontact", "view", "change"),
    *_model("mandates", "mandate", "view", "add", "change"),
    *_model("mandates", "mandatelanguage", "view", "add", "change", "delete"),
    *_model("mandates", "mandatestatuschange", "view"),
    *_model("mandates", "candidacy", "view", "add", "change"),
    *_model("mandates", "stagechange", "view"),
    *_model("mandates", "consentrequest", "view"),
    *_model("mandates", "presentationconsent", "view"),
    *_model("mandates", "placement", "view"),
    "mandates.send_shortlist",
    "mandates.send_consent_request",
    "mandates.release_candidate",
    "mandates.record_placement",
    *_model("notifications", "notification", "view"),
]

TEAMLEITUNG = [
    *VERMITTLUNG,
    "mandates.view_analytics",
    *_model("mandates", "placement", "change"),
    *_model("mandates", "candidateindex", "view"),
    *_model("managers", "erasedmanagerrecord", "view"),
    "notifications.resend_notification",
    *_model("manatnet", "auditentry", "view"),
    "manatnet.export_personal_data",
]

# No "auth.delete_user" and no deleting profiles or contacts: a person leaves through erasure
# ("manatnet.erase_personal_data"), which also removes files, login records and log entries naming them;
# staff who leave are deactivated.
ADMINISTRATION = [
    *TEAMLEITUNG,
    *[perm for model in REFERENCE for perm in _model("managers", model, "add", "change", "delete")],
    *_model("auth", "user", "view", "add", "change"),
    *_model("mandates", "clientcontact", "add"),
    *_model("auth", "group", "view", "add", "change", "delete"),
    *_model("account", "emailaddress", "view", "add", "change", "delete"),
    *_model("mfa", "authenticator", "view", "delete"),
    *_model("mandates", "mandate", "delete"),
    "manatnet.erase_personal_data",
]

GROUPS = {"Vermittlung": VERMITTLUNG, "Teamleitung": TEAMLEITUNG, "Administration": ADMINISTRATION}


def create_groups(apps, schema_editor=None):
    """Create the groups with their permissions (idempotent: existing groups only gain what is missing)."""
    grant(apps, GROUPS)
