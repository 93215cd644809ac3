"""What ``mandates`` does in signals, each because every write path must reach it, whoever bypasses the services
(admin, factories, the demo seeder, a cascade):

- deleting a candidacy's frozen CV copy when the row goes (erasure, retention, deleted mandates);
- refusing a mandate contact of another company (the database trigger's rule, in code for SQLite).
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete
from django.dispatch import receiver

from managers.cv import delete_cv_file

from .models import Candidacy, ClientContact, Mandate


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
