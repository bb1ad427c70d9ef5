"""demos/decorators.py: add_timing_information and templated."""

import re
import time

from flask import Flask

import demos.decorators
from demos.decorators import add_timing_information

DEMO = demos.decorators


def test_index(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"X-Runtime" in response.data


def test_x_runtime_is_seconds_to_the_microsecond(client):
    response = client.get("/timed")
    assert response.status_code == 200
    assert response.data == b"Look at the X-Runtime header."
    # six decimals: a view that takes 40 us must not read as 0.000
    assert re.fullmatch(r"\d+\.\d{6}", response.headers["X-Runtime"])
    assert 0 <= float(response.headers["X-Runtime"]) < 1


def test_x_runtime_measures_the_view():
    app = Flask(__name__)

    @app.route("/sleep")
    @add_timing_information
    def sleepy():
        time.sleep(0.05)
        return "slept"

    seconds = float(app.test_client().get("/sleep").headers["X-Runtime"])
    assert 0.05 <= seconds < 2


def test_decorator_keeps_status_and_headers_of_tuples():
    app = Flask(__name__)

    @app.route("/teapot")
    @add_timing_information
    def teapot():
        return "short and stout", 418, {"X-Pot": "yes"}

    response = app.test_client().get("/teapot")
    assert response.status_code == 418
    assert response.headers["X-Pot"] == "yes"
    assert "X-Runtime" in response.headers


def test_wraps_keeps_the_name():
    assert demos.decorators.timed_view.__name__ == "timed_view"


def test_templated_renders_the_dict(client):
    assert client.get("/hello/Ada").data == (
        b"<p>Hello, Ada! A dict became this page.</p>")
