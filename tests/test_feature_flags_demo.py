"""demos/feature_flags.py: the talk's extension in an app."""

import demos.feature_flags

DEMO = demos.feature_flags


def test_index_renders_with_the_jinja_test(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'<body class="dark">' in response.data  # dark_mode on
    assert b"/checkout/classic" in response.data     # new_checkout off


def test_index_when_new_checkout_is_on(app, client):
    app.config["FEATURE_FLAGS"]["new_checkout"] = True
    response = client.get("/")
    assert b"Try one-click checkout" in response.data


def test_checkout_redirects_while_off(client):
    response = client.get("/checkout")
    assert response.status_code == 302
    assert response.location == "/checkout/classic"
    assert client.get("/checkout/classic").data == b"The classic checkout."


def test_preview_handler_turns_one_flag_on(client):
    response = client.get("/checkout?preview=new_checkout")
    assert response.status_code == 200
    assert response.data == b"The new one-click checkout."
    assert client.get("/labs?preview=new_checkout").status_code == 404


def test_labs_is_404_while_off_and_200_when_on(app, client):
    assert client.get("/labs").status_code == 404
    app.config["FEATURE_FLAGS"]["labs"] = True
    assert client.get("/labs").data == b"Experiments in progress."


def test_flags_shows_what_decided(client):
    body = client.get("/flags?preview=labs").get_json()
    assert body["checked"] == {"new_checkout": False, "dark_mode": True,
                               "labs": True}
    assert body["decided_by"] == {"new_checkout": None,
                                  "dark_mode": "AppConfigFlagHandler",
                                  "labs": "preview_handler"}


def test_apps_from_the_factory_do_not_share_flags():
    one = DEMO.create_app({"TESTING": True})
    two = DEMO.create_app({"TESTING": True})
    one.config["FEATURE_FLAGS"]["labs"] = True
    assert one.test_client().get("/labs").status_code == 200
    assert two.test_client().get("/labs").status_code == 404
