# HISTORY: the flask.ext import redirect (Flask 0.8 to 0.12). Removed in
# Flask 1.0: import flask_featureflags directly. Compiled, never run.

# [start:old-import]
from flask.ext.featureflags import FeatureFlag   # flask_featureflags
from flaskext.featureflags import FeatureFlag    # even older layout
# [end:old-import]

__all__ = ["FeatureFlag"]
