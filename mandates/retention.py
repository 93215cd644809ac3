"""``mandates``' part in the retention run (``managers.retention``): client contacts' accounts are created by staff
and may never be logged into before a shortlist arrives; they are not abandoned sign-ups."""

from django.dispatch import receiver

from managers.signals import accounts_in_use

from .models import ClientContact


@receiver(accounts_in_use, dispatch_uid="mandates.client_contact_accounts")
def client_contact_accounts(sender, **kwargs):
    return ClientContact.objects.values("user_id")
