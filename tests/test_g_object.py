"""demos/g_object.py: per-request storage and functions in g."""

from flask import g

import demos.g_object

DEMO = demos.g_object


def test_index(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"/greet" in response.data


def test_function_from_g_in_a_view(client):
    assert client.get("/greet?name=ada&lang=fr").data == b"Bonjour, Ada!"
    assert client.get("/greet").data == b"Hello, Stranger!"


def test_function_from_g_in_a_template(client):
    assert client.get("/template?name=ada&lang=de").data == (
        b"<p>Hallo, Ada!</p>")


def test_lazy_value_is_loaded_once_per_request(app, client):
    body = client.get("/twice?name=ada").get_json()
    assert body == {"first": "Ada", "second": "Ada", "same": True}
    assert app.extensions["gdemo_loads"] == 1
    client.get("/twice?name=bob")
    assert app.extensions["gdemo_loads"] == 2


def test_g_does_not_outlive_the_request(app, client):
    client.get("/greet?name=ada")
    with app.app_context():
        assert "_gdemo_visitor" not in g
        assert "gdemo_greet" not in g
