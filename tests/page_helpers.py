"""Helpers for the tests of the work pages: ask as one of the ``people`` (tests/conftest.py) and
check the answer."""


def as_(client, people, who):
    """The test client logged in as ``people[who]`` ("anonymous": nobody)."""
    client.logout()
    if people[who]:
        client.force_login(people[who])
    return client


def expect(response, code):
    """``code`` is a status code, or "login" for a redirection to the login page."""
    if code == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == code, response.status_code
