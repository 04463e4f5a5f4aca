"""Signals other apps listen to, so that the loader never imports them."""

from django.dispatch import Signal

# Sent by loader.load_dataset inside its transaction, after the rows are written, with ``plan``
# (the loaded Plan). The translations app records where the plan's translations came from.
dataset_loaded = Signal()
