import pytest

from planwatch.datasets.loader import NAP_DATASET, load_dataset
from planwatch.plans.models import Plan


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The NAP 2021-2025 is loaded once; each test runs in a transaction rolled back after it."""
    with django_db_blocker.unblock():
        load_dataset(NAP_DATASET)


@pytest.fixture(autouse=True)
def _plain_http(settings):
    # Tests speak plain HTTP to the test client and read static files from the apps.
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def nap(db) -> Plan:
    return Plan.objects.get(slug="nap-2021-2025")
