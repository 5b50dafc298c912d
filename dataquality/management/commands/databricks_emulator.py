"""`python manage.py databricks_emulator [--port 8765] [--data-dir var/emulator] [--token T]`: a local stand-in
for the Databricks REST API. The emulator itself lives in `dataquality.emulator`; this is only its interface."""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dataquality.emulator.config import EmulatorConfig
from dataquality.emulator.faults import FaultSettings
from dataquality.emulator.server import EmulatorServer

EPILOG = """\
Jobs (2.1, 2.2), runs, DBFS read and Files API calls need "Authorization: Bearer <token>".
A run executes the job's notebook (its path from the notebooks/ folder on) with local Spark; tables are read
from <data-dir>/warehouse/<catalog>/<schema>/<table> (a parquet directory or file, or a CSV file with a header),
dbfs:/ is <data-dir>/dbfs and /Volumes/ is <data-dir>/volumes. Run pages: http://127.0.0.1:<port>/.

Fault injection (each flag also reads an environment variable; GET/POST /emulator/faults changes them live):
  --fail-requests N         DATABRICKS_EMULATOR_FAIL_REQUESTS      refuse the next N API requests
  --fail-status 429|503     DATABRICKS_EMULATOR_FAIL_STATUS        with 429 (default, with Retry-After) or 503
  --fail-path TEXT          DATABRICKS_EMULATOR_FAIL_PATH          only requests whose path contains TEXT
  --retry-after SECONDS     DATABRICKS_EMULATOR_RETRY_AFTER        Retry-After of a 429 (default 1)
  --latency SECONDS         DATABRICKS_EMULATOR_LATENCY            added to every API request
  --force-run-result R      DATABRICKS_EMULATOR_FORCE_RUN_RESULT   new runs end FAILED, INTERNAL_ERROR or SKIPPED
  --force-run-count N       DATABRICKS_EMULATOR_FORCE_RUN_COUNT    ...for the next N runs only (default: all)
  --drop-callback           DATABRICKS_EMULATOR_DROP_CALLBACK=1    notebooks write their payload, post no callback
"""


class Command(BaseCommand):
    help = "Serve a local stand-in for the Databricks REST API on 127.0.0.1, running notebooks on local Spark."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.formatter_class = argparse.RawDescriptionHelpFormatter
        parser.epilog = EPILOG
        return parser

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765, help="Port (default 8765; 0 picks a free one).")
        parser.add_argument(
            "--host", default="127.0.0.1",
            help="Address to bind (default 127.0.0.1). Only a container needs another, e.g. 0.0.0.0 in docker-compose.",
        )
        parser.add_argument("--data-dir", default="var/emulator", help="State, files and tables (default var/emulator).")
        parser.add_argument("--token", default=None, help="The accepted bearer token (default: $DATABRICKS_TOKEN).")
        parser.add_argument("--fail-requests", type=int, default=None)
        parser.add_argument("--fail-status", type=int, choices=(429, 503), default=None)
        parser.add_argument("--fail-path", default=None)
        parser.add_argument("--retry-after", type=float, default=None)
        parser.add_argument("--latency", type=float, default=None)
        parser.add_argument("--force-run-result", choices=("FAILED", "INTERNAL_ERROR", "SKIPPED"), default=None)
        parser.add_argument("--force-run-count", type=int, default=None)
        parser.add_argument("--drop-callback", action="store_true", default=None)

    def handle(self, *args, host: str, port: int, data_dir: str, token: str | None, **options):
        flags = {name: options[name] for name in FaultSettings.__dataclass_fields__ if options.get(name) is not None}
        try:
            faults = FaultSettings.from_mapping(flags, base=FaultSettings.from_env(os.environ))
            config = EmulatorConfig(
                data_dir=Path(data_dir),
                token=token or os.environ.get("DATABRICKS_TOKEN", ""),
                host=host,
                port=port,
                faults=faults,
            )
            server = EmulatorServer(config)
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Databricks emulator on {server.url} (data in {config.data_dir}); Ctrl-C stops it.")
        # `docker stop` and friends send SIGTERM: stop the same way as Ctrl-C, so running notebooks are killed.
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")


def _interrupt(signum, frame):
    raise KeyboardInterrupt
