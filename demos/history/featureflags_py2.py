# HISTORY: Python 2 habits in Flask-FeatureFlags 0.6 (2013), abridged.
# It still runs on Python 3; the modern spelling is in flask-flags/flask_flags.py.
# Compiled by the tests, never run.
import logging

from flask import current_app

log = logging.getLogger(u'flask-featureflags')


# [start:py2]
class FeatureFlag(object):
  JINJA_TEST_NAME = u'active_feature'

  def __init__(self, app=None):
    if app is not None:
      self.init_app(app)
    self.handlers = [AppConfigFlagHandler]   # one chain for every app


def AppConfigFlagHandler(feature=None):
  if not current_app:
    log.warn(u"Outside the request context. Returning False")
    return False
# [end:py2]
