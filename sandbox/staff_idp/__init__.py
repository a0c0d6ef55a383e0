"""An OpenID Connect provider for public servants: the stand-in for the KEP staff's sign-in.

Mounted by the project at `/sandbox/staff-id` (its issuer); the discovery
document is at `{issuer}/.well-known/openid-configuration`. The test accounts
are in `sandbox.staff_idp.accounts.ACCOUNTS`; see README.md.
"""

from sandbox.staff_idp.accounts import ACCOUNTS, ACCOUNTS_BY_NAME, PASSWORD, StaffAccount
from sandbox.staff_idp.server import create_app, discovery_document

__all__ = ["ACCOUNTS", "ACCOUNTS_BY_NAME", "PASSWORD", "StaffAccount", "create_app", "discovery_document"]
