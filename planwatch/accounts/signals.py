from django.dispatch import Signal

# Sent with ``user`` once a person has chosen a new password through a reset link: whatever
# else stands in for the old password (API tokens) ends with it.
password_reset = Signal()
