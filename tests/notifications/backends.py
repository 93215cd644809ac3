"""A test mail backend that fails on demand, like an SMTP server answering 4xx/5xx or dropping the connection."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend

# Each send pops the next planned failure (an exception instance); an empty plan means "accept".
plan = []


class FlakyBackend(EmailBackend):
    def send_messages(self, messages):
        if plan:
            raise plan.pop(0)
        return super().send_messages(messages)


def temporary():
    return smtplib.SMTPDataError(451, b"4.3.0 Try again later")


def permanent():
    return smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"5.1.1 No such user")})
