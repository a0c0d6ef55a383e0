"""The KEP staff area: the employees' own sign-in (OpenID Connect for public servants), their roles
from the scheduling API, and the `staff_required(*roles)` decorator every staff page uses."""

# calls, operations and statistics add their routes and pages to the staff area.
from kepweb.staff import calls, oidc, operations, statistics  # noqa: F401
from kepweb.staff.access import current_staff, staff_required
from kepweb.staff.views import PAGES, StaffPage, staff

__all__ = ["PAGES", "StaffPage", "current_staff", "init_app", "staff", "staff_required"]


def init_app(app):
    oidc.init_app(app)
    app.register_blueprint(staff)
