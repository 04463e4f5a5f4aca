"""A pytest plugin (``-p planwatch.testing`` in pyproject.toml) that sets the environment before
Django's settings load: tests speak plain HTTP to the test client and the live server."""

import os
import tempfile

os.environ.setdefault("PLANWATCH_SSL_REDIRECT", "0")
# Deterministic pages: the data version is read for every request (tests that count a cached
# page's queries set the interval themselves); no rate limit unless a test sets one; reports
# rendered on first download only, never in the background.
os.environ.setdefault("PLANWATCH_PAGE_CACHE_VERSION_SECONDS", "0")
os.environ.setdefault("PLANWATCH_ANONYMOUS_RATE", "off")
os.environ.setdefault("PLANWATCH_RENDER_REPORTS", "0")
os.environ.setdefault("PLANWATCH_DATA_DIR", tempfile.mkdtemp(prefix="planwatch-test-"))
