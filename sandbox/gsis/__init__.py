"""A GSIS-like OAuth 2.0 provider: the stand-in for Taxisnet sign-in.

Mounted by the project at `/oauth2server`, so its public paths are GSIS's
(`/oauth2server/oauth/authorize`, `/oauth2server/oauth/token`,
`/oauth2server/userinfo?format=xml`, `/oauth2server/logout/<client_id>/`).
The test users are in `sandbox.gsis.users.TEST_USERS`; see README.md.
"""

from sandbox.gsis.server import create_app, userinfo_xml
from sandbox.gsis.users import PASSWORD, TEST_USERS, USERS_BY_NAME, TestUser

__all__ = ["PASSWORD", "TEST_USERS", "USERS_BY_NAME", "TestUser", "create_app", "userinfo_xml"]
