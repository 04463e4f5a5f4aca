"""Signals other apps listen to, so that reporting never imports them."""

from django.dispatch import Signal

# Sent by services.publish_round inside its transaction, with ``round`` (the published Round).
round_published = Signal()
