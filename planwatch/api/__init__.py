"""The REST API (``/api/v1/``) and personal API tokens."""
