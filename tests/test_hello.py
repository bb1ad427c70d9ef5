from pathlib import Path

import demos.hello

DEMO = demos.hello


def test_seven_line_app_says_hello(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.data == b"Hello World!"


def test_module_level_app_is_the_seven_line_app():
    response = demos.hello.app.test_client().get("/")
    assert response.data == b"Hello World!"


def test_seven_lines_really_are_seven():
    text = Path(demos.hello.__file__).read_text(encoding="utf-8")
    region = text.split("# [start:seven-lines]\n")[1].split("# [end:")[0]
    assert len(region.splitlines()) == 7


def test_debug_is_off_by_default(app):
    assert app.debug is False
