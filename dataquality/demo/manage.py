"""`make manage ARGS="COMMAND [OPTIONS]"`: any management command against the demo's data.

It reads the settings the last `make demo` or `make serve` wrote to `var/demo/demo.env` (its database, broker,
secret key and stand-in) and runs `manage.py COMMAND` with them. Commands that call Databricks need the stand-in
up, that is `make serve` running in another terminal.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dataquality.demo.config import DEFAULT_VAR_DIR, ENV_FILE, read_env_file


def main(argv: list[str]) -> int:
    env_file = Path(os.environ.get("DEMO_VAR_DIR") or DEFAULT_VAR_DIR) / ENV_FILE
    if not env_file.is_file():
        print(f"No demo settings at {env_file}: run `make demo` or `make serve` first.", file=sys.stderr)
        return 2
    os.environ.update(read_env_file(env_file))

    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *argv])
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
