"""demos/signed_links.py: itsdangerous activation links with a salt and an
expiry. Every bad link is a 404 or a 410, never a 500."""

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

import demos.signed_links

DEMO = demos.signed_links


@pytest.fixture
def app():
    app = DEMO.create_app({"TESTING": True, "ACTIVATION_MAX_AGE": 3600})
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug would be a 500
    return app


def link_path(client, user="ada"):
    link = client.get(f"/signup/{user}").get_json()["link"]
    assert link.startswith("http://localhost/activate/")
    return link.removeprefix("http://localhost")


def test_good_link_activates_once(app, client):
    path = link_path(client)
    assert app.extensions["signed_links"] == set()   # nothing stored yet
    response = client.get(path)
    assert response.status_code == 200
    assert response.get_json() == {"user": "ada", "activated": True}
    assert client.get(path).get_json()["message"] == "already active"


@pytest.mark.parametrize("change", ["payload", "signature"])
def test_tampered_link_is_404(client, change):
    payload, stamp, signature = link_path(client).split("/")[-1].split(".")
    if change == "payload":
        payload = URLSafeTimedSerializer("x").dumps("eve").split(".")[0]
    else:  # the first character holds 6 bits of the signature
        signature = ("B" if signature[0] == "A" else "A") + signature[1:]
    response = client.get(f"/activate/{payload}.{stamp}.{signature}")
    assert response.status_code == 404


def test_garbage_is_404(client):
    assert client.get("/activate/not-a-valid-code").status_code == 404


def test_expired_link_is_410_with_a_message(client, monkeypatch):
    two_hours_ago = int(time.time()) - 7200
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: two_hours_ago)
    path = link_path(client)
    monkeypatch.undo()                       # the clock is right again
    response = client.get(path)
    assert response.status_code == 410
    assert b"This link has expired" in response.data


def test_link_younger_than_max_age_works(client, monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: int(time.time()) - 3000)
    path = link_path(client)
    monkeypatch.undo()
    assert client.get(path).status_code == 200


def test_token_with_another_salt_is_404(app, client):
    token = URLSafeTimedSerializer(app.secret_key,
                                   salt="reset-password").dumps("ada")
    assert client.get(f"/activate/{token}").status_code == 404


def test_link_from_another_secret_key_is_404(client):
    other = DEMO.create_app({"TESTING": True, "SECRET_KEY": "another key"})
    path = link_path(other.test_client())
    assert client.get(path).status_code == 404
