"""``python -m dokku_double ARGS``: run one dokku call, or ``init`` a clean state."""

import sys

from .cli import main
from .admin import admin_main

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "double-admin":
        sys.exit(admin_main(sys.argv[2:]))
    sys.exit(main())
