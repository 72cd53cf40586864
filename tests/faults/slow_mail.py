"""A mail server that takes its time, so that the fault suite can kill a worker
in the middle of sending: Django's file backend, a third of a second a message."""

import time

from django.core.mail.backends.filebased import EmailBackend

SECONDS_PER_MESSAGE = 0.3


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(SECONDS_PER_MESSAGE * len(email_messages))
        return super().send_messages(email_messages)
