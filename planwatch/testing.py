"""A pytest plugin (``-p planwatch.testing`` in pyproject.toml) that sets the environment before
Django's settings load: tests speak plain HTTP to the test client and the live server."""

import os
import tempfile

os.environ.setdefault("PLANWATCH_SSL_REDIRECT", "0")
os.environ.setdefault("PLANWATCH_DATA_DIR", tempfile.mkdtemp(prefix="planwatch-test-"))
