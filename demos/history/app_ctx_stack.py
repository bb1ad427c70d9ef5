# HISTORY: Flask 0.9-era extension state, from Armin Ronacher's talk
# "Advanced Flask Patterns". _app_ctx_stack was deprecated in Flask 2.2
# and removed in 3.0, so this does not import on Flask 3.1. Compiled by
# the tests, never run.
import sqlite3

from flask import _app_ctx_stack


# [start:old-state]
class SQLite3(object):
    def __init__(self, app=None):
        if app is not None:
            self.init_app(app)

    def init_app(self, app):
        app.config.setdefault('SQLITE3_DATABASE', ':memory:')
        app.teardown_appcontext(self.teardown)

    def teardown(self, exception):
        ctx = _app_ctx_stack.top
        if hasattr(ctx, 'sqlite3_db'):
            ctx.sqlite3_db.close()

    @property
    def connection(self):
        ctx = _app_ctx_stack.top
        if not hasattr(ctx, 'sqlite3_db'):
            ctx.sqlite3_db = sqlite3.connect(
                ctx.app.config['SQLITE3_DATABASE'])
        return ctx.sqlite3_db
# [end:old-state]
