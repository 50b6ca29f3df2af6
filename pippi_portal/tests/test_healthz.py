import pytest
from django.db import connection


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_when_the_database_does_not(client):
    saved = dict(connection.settings_dict)
    connection.close()
    # A port where nothing listens: a real connection failure, not a mock.
    connection.settings_dict.update({"HOST": "127.0.0.1", "PORT": "9"})
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
