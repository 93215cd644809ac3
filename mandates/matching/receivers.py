"""Keeping matching current, whoever writes (services, admin, factories, the demo seeder, a cascade).

- ``managers.signals.profile_changed`` (sent after commit by every profile service): rebuild the row at once, then
  re-match the profile against the open mandates (``jobs.enqueue_rematch``);
- model signals on the profile and its relations only *mark* the row stale (one cheap UPSERT); the rebuild happens
  before the next read (see ``index.py`` for the whole policy);
- an edit of an open mandate's brief (its fields, skills, industries, languages) re-matches it after commit
  (``jobs.rematch_mandate``: alerts for managers who now match strongly). The rankings and the re-matching of
  profiles need no receiver: the change log's triggers tell every process's copy (``changes.py``).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from managers.models import LanguageSkill, ManagerProfile, MandateHistoryEntry
from managers.signals import profile_changed
from manatnet.queue import enqueue_on_commit

from ..models import CandidateIndex, Mandate, MandateLanguage
from . import index
from .facts import MANDATE_FIELDS
from .jobs import enqueue_rematch, rematch_mandate


@receiver(profile_changed, dispatch_uid="mandates.reindex_on_profile_changed")
def reindex_on_profile_changed(sender, profile_id, **kwargs):
    # Sent after commit by the profile services: rebuild now, so the re-matching that follows sees fresh facts.
    index.reindex_profile(profile_id)


@receiver(post_save, sender=ManagerProfile, dispatch_uid="mandates.stale_on_profile_save")
def stale_on_profile_save(sender, instance, raw=False, **kwargs):
    if not raw:
        index.mark_stale(instance.pk)


@receiver(post_save, sender=LanguageSkill, dispatch_uid="mandates.stale_on_language_save")
@receiver(post_save, sender=MandateHistoryEntry, dispatch_uid="mandates.stale_on_history_save")
def stale_on_related_save(sender, instance, raw=False, **kwargs):
    if not raw:
        index.mark_stale(instance.profile_id)


@receiver(post_delete, sender=LanguageSkill, dispatch_uid="mandates.stale_on_language_delete")
@receiver(post_delete, sender=MandateHistoryEntry, dispatch_uid="mandates.stale_on_history_delete")
def stale_on_related_delete(sender, instance, **kwargs):
    # The profile itself may be being deleted in the same cascade: update only, never insert.
    index.mark_stale_if_indexed(instance.profile_id)


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
        index.mark_stale(instance.pk)
    elif pk_set:  # e.g. skill.managerprofile_set.add(...): the profiles are the pk_set
        for profile_id in pk_set:
            index.mark_stale_if_indexed(profile_id)
    else:  # reverse clear: unknown profiles; rare (admin deleting reference data), so mark all
        CandidateIndex.objects.update(stale=True)


for through in PROFILE_M2M:
    m2m_changed.connect(stale_on_m2m, sender=through, dispatch_uid=f"mandates.stale_on_m2m.{through._meta.label}")


# After the row is rebuilt (the receiver above is connected first): alerts only on new strong matches.
profile_changed.connect(enqueue_rematch, dispatch_uid="mandates.rematch")


# Fields of a mandate that change scores; a save naming none of them (e.g. a status change) re-matches nothing.
BRIEF_FIELDS = {f.name for f in Mandate._meta.concrete_fields if f.attname in MANDATE_FIELDS and f.attname != "id"}


def _rematch_brief(mandate_id):
    enqueue_on_commit(rematch_mandate, mandate_id)


@receiver(post_save, sender=Mandate, dispatch_uid="mandates.rematch_on_brief_save")
def rematch_on_brief_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or created or instance.matched_at is None:
        return  # a mandate not yet matched is matched whole when it opens (``jobs.match_mandate``)
    if update_fields is None or BRIEF_FIELDS & set(update_fields):
        _rematch_brief(instance.pk)


@receiver(post_save, sender=MandateLanguage, dispatch_uid="mandates.rematch_on_brief_language_save")
@receiver(post_delete, sender=MandateLanguage, dispatch_uid="mandates.rematch_on_brief_language_delete")
def rematch_on_brief_language(sender, instance, raw=False, **kwargs):
    if not raw:
        _rematch_brief(instance.mandate_id)


def rematch_on_brief_m2m(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove", "post_clear") and not reverse:
        _rematch_brief(instance.pk)


for through in (Mandate.required_skills.through, Mandate.nice_skills.through, Mandate.industries.through):
    m2m_changed.connect(
        rematch_on_brief_m2m, sender=through, dispatch_uid=f"mandates.rematch_on_brief.{through._meta.label}"
    )
