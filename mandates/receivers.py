"""What ``mandates`` does in signals, each because every write path must reach it, whoever bypasses the services
(admin, factories, the demo seeder, a cascade):

- keeping ``CandidateIndex`` fresh (see ``indexing.py`` for the whole policy): the model receivers only mark a
  row stale (one cheap UPSERT); the rebuild happens before the next read;
- deleting a candidacy's frozen CV copy when the row goes (erasure, retention, deleted mandates);
- refusing a mandate contact of another company (the database trigger's rule, in code for SQLite).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from managers.cv import delete_cv_file
from managers.models import LanguageSkill, ManagerProfile, MandateHistoryEntry
from managers.signals import profile_changed

from . import indexing
from .models import Candidacy, ClientContact, Mandate


@receiver(profile_changed, dispatch_uid="mandates.reindex_on_profile_changed")
def reindex_on_profile_changed(sender, profile_id, **kwargs):
    # Sent after commit by the profile services: rebuild now, so the re-matching that follows sees fresh facts.
    indexing.reindex_profile(profile_id)


@receiver(post_save, sender=ManagerProfile, dispatch_uid="mandates.stale_on_profile_save")
def stale_on_profile_save(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.mark_stale(instance.pk)


@receiver(post_save, sender=LanguageSkill, dispatch_uid="mandates.stale_on_language_save")
@receiver(post_save, sender=MandateHistoryEntry, dispatch_uid="mandates.stale_on_history_save")
def stale_on_related_save(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.mark_stale(instance.profile_id)


@receiver(post_delete, sender=LanguageSkill, dispatch_uid="mandates.stale_on_language_delete")
@receiver(post_delete, sender=MandateHistoryEntry, dispatch_uid="mandates.stale_on_history_delete")
def stale_on_related_delete(sender, instance, **kwargs):
    # The profile itself may be being deleted in the same cascade: update only, never insert.
    indexing.mark_stale_if_indexed(instance.profile_id)


PROFILE_M2M = (
    ManagerProfile.skills.through,
    ManagerProfile.functions.through,
    ManagerProfile.industries.through,
    ManagerProfile.accepted_regions.through,
)


def stale_on_m2m(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        indexing.mark_stale(instance.pk)
    elif pk_set:  # e.g. skill.managerprofile_set.add(...): the profiles are the pk_set
        for profile_id in pk_set:
            indexing.mark_stale_if_indexed(profile_id)
    else:  # reverse clear: unknown profiles; rare (admin deleting reference data), so mark all
        indexing.CandidateIndex.objects.update(stale=True)


for through in PROFILE_M2M:
    m2m_changed.connect(stale_on_m2m, sender=through, dispatch_uid=f"mandates.stale_on_m2m.{through._meta.label}")


@receiver(post_delete, sender=Candidacy, dispatch_uid="mandates.delete_released_cv")
def delete_released_cv(sender, instance, **kwargs):
    if instance.released_cv_file:
        name = instance.released_cv_file
        transaction.on_commit(lambda: delete_cv_file(name))


@receiver(m2m_changed, sender=Mandate.contacts.through, dispatch_uid="mandates.contacts_of_own_company")
def contacts_of_own_company(sender, instance, action, reverse, pk_set, **kwargs):
    if action != "pre_add" or not pk_set:
        return
    if reverse:  # contact.mandates.add(...): each mandate must belong to the contact's company
        for mandate in Mandate.objects.filter(pk__in=pk_set).select_related("company"):
            mandate.check_contacts([instance])
        return
    instance.check_contacts(ClientContact.objects.filter(pk__in=pk_set).select_related("user", "company"))
