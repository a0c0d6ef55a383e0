"""Sign-in with Taxisnet (GSIS OAuth 2.0) and the citizen's session."""

from kepweb.auth import gsis, sessions
from kepweb.auth.views import auth, current_citizen, login_required

__all__ = ["current_citizen", "login_required", "init_app"]


def init_app(app):
    sessions.init_app(app)
    gsis.init_app(app)
    app.register_blueprint(auth)
