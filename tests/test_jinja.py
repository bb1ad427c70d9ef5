"""demos/jinja.py: a test, a filter, a global and a context processor."""

from datetime import date

from flask import render_template_string

import demos.jinja

DEMO = demos.jinja


def test_index(client):
    assert client.get("/").status_code == 200


def test_speaker_page_uses_filter_and_context_processor(client):
    body = client.get("/speaker/rachel sanders").get_data(as_text=True)
    assert "<h1>Developing Flask Extensions</h1>" in body
    assert "(RS)" in body


def test_weekend_test(client):
    assert b"a weekend day" in client.get("/day/2026-11-21").data  # Saturday
    assert b"a weekday" in client.get("/day/2026-11-23").data      # Monday


def test_bad_date_is_a_400(client):
    response = client.get("/day/yesterday")
    assert response.status_code == 400
    assert "not an ISO date" in response.get_json()["error"]


def test_helpers_registered_on_the_app_only(app):
    assert app.jinja_env.tests["weekend"](date(2026, 11, 22)) is True
    assert app.jinja_env.filters["initials"]("ada lovelace") == "AL"
    assert app.jinja_env.globals["today"] == date.today
    other = DEMO.new_app("other")
    assert "weekend" not in other.jinja_env.tests
    assert "initials" not in other.jinja_env.filters
    assert "today" not in other.jinja_env.globals
    for each, title in ((app, "Developing Flask Extensions"), (other, "")):
        with each.app_context():
            assert render_template_string("{{ talk }}") == title
