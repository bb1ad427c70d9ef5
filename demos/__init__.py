"""Runnable demos for the talk "Developing Flask Extensions".

Each demo module exposes ``create_app(test_config=None)`` returning a Flask
app whose ``GET /`` says what it demonstrates. Run one with::

    flask --app demos.<name> run        # serves on 127.0.0.1:5000
"""
