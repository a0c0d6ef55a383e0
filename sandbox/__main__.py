"""`python -m sandbox`: the reference services as their own process (sandbox/server.py)."""

import sys

from sandbox.server import main

sys.exit(main())
