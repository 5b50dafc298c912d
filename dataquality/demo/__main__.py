"""`python -m dataquality.demo [--serve]`: what `make demo` and `make serve` run.

The demo's settings (its own SQLite file and broker folder under `var/demo`, the stand-in as the workspace) go into
the environment before Django reads its settings, so this process and every process it starts agree on them.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from dataquality.demo.config import DEFAULT_VAR_DIR, DemoConfig, PortBusy


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dataquality.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--serve", action="store_true", help="keep the services up after the run, until Ctrl-C")
    parser.add_argument("--var-dir", type=Path, default=DEFAULT_VAR_DIR, help="where the demo keeps its state")
    parser.add_argument("--scale", type=float, default=1.0, help="warehouse size; 1.0 is 272,000 rows")
    parser.add_argument("--web-port", type=int, help="the web app's port (`make demo PORT=N`); "
                        "default: 8000 when free, else any free port")
    parser.add_argument("--emulator-port", type=int, help="the Databricks stand-in's port (`make demo STANDIN_PORT=N`); "
                        "default: 8765 when free, else any free port")
    return parser


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # a SIGTERM stops the demo the way Ctrl-C does, services included


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = DemoConfig.create(args.var_dir, web_port=args.web_port, emulator_port=args.emulator_port)
    except PortBusy as exc:
        print(f"The demo cannot start: {exc}", file=sys.stderr)
        return 1
    config.write_env_file()  # for `make manage`, with this start's ports
    env = config.environment(dict(os.environ))
    os.environ.update(env)
    signal.signal(signal.SIGTERM, _interrupt)
    # Ctrl-C must stop the demo even when it was started with SIGINT ignored (a background job of a script).
    signal.signal(signal.SIGINT, signal.default_int_handler)

    import django

    django.setup()
    from dataquality.demo.api import ApiError
    from dataquality.demo.orchestrator import Demo, DemoFailed, ServiceFailed

    demo = Demo(config, env, scale=args.scale)
    try:
        return demo.run(serve=args.serve)
    except (DemoFailed, ServiceFailed, ApiError) as exc:
        print(f"\nThe demo failed: {exc}\nLogs: {config.logs_dir}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted; every service the demo started has been stopped.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
