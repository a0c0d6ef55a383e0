"""Stand-ins for the systems outside kepweb, run together as the embedded default.

- `sandbox.scheduling`: a reference implementation of the scheduling API contract
  (api/scheduling.openapi.yaml).
- `sandbox.outbox`: an SMTP server that keeps every message and shows it on a page.

kepweb never imports this package; only app.py wires them together.
"""
