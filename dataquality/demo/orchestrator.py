"""The whole job on one machine: warehouse, stand-in, web server, worker with beat, a run through the REST API.

Called by `python -m dataquality.demo` once the demo's environment is in place and Django is set up. Every
process it starts is stopped again when it ends, whether it ends normally, fails or is interrupted.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from dataquality.databricks import DatabricksError
from dataquality.demo import warehouse
from dataquality.demo.api import DemoApi
from dataquality.demo.config import REPOSITORY_ROOT, USERNAME, DemoConfig
from dataquality.demo.history import SEEDED_BY, needs_history, seed_history
from dataquality.demo.processes import Service, ServiceFailed, Stack
from dataquality.demo.summary import render_summary

FINAL_STATUSES = ("completed", "failed", "canceled")
RUN_TIMEOUT_SECONDS = 600
SERVICE_READY_SECONDS = 90


class DemoFailed(RuntimeError):
    pass


@dataclass
class Timer:
    """Seconds spent per step, for the closing line."""

    steps: list[tuple[str, float]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def step(self, name: str, seconds: float) -> None:
        self.steps.append((name, seconds))

    def line(self) -> str:
        parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.steps)
        return f"Timing: {parts}; total {time.monotonic() - self.started:.1f} s"


def _http_ok(url: str, headers: dict | None = None) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return requests.get(url, headers=headers, timeout=2).status_code == 200
        except requests.RequestException:
            return False

    return check


def _log_says(service_log, text: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return text in service_log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False

    return check


class Demo:
    def __init__(self, config: DemoConfig, env: dict[str, str], *, scale: float = 1.0, out=None) -> None:
        self.config = config
        self.env = env
        self.scale = scale
        self.out = out or sys.stdout
        self.timer = Timer()

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def _timed(self, name: str, action: Callable[[], object]):
        started = time.monotonic()
        result = action()
        self.timer.step(name, time.monotonic() - started)
        return result

    # --- the steps --------------------------------------------------------------------------------

    def migrate_and_login(self) -> str:
        from django.core.management import call_command

        from dataquality.demo.accounts import ensure_demo_user

        call_command("migrate", interactive=False, verbosity=0)
        return ensure_demo_user(USERNAME, self.config.secrets.password)

    def start_warehouse(self) -> subprocess.Popen | None:
        """Generate the warehouse in a process of its own (its JVM is gone when it ends), meanwhile the database
        and the services start; None when the current one is kept."""
        data_dir = self.config.emulator_data_dir
        if warehouse.is_generated(data_dir, scale=self.scale):
            self.say(f"  warehouse {warehouse.CATALOG}.{warehouse.SCHEMA} is current, kept")
            return None
        command = [self.config.python, "-m", "dataquality.demo.warehouse", "--data-dir", str(data_dir),
                   "--scale", str(self.scale)]
        log = self.warehouse_log
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "wb") as output:
            process = subprocess.Popen(command, cwd=REPOSITORY_ROOT, env=self.env, stdout=output,
                                       stderr=subprocess.STDOUT)
        self.say(f"  generating {warehouse.CATALOG}.{warehouse.SCHEMA} on local Spark (log: {log})")
        return process

    def finish_warehouse(self, process: subprocess.Popen | None) -> None:
        if process is None:
            return
        if process.wait() != 0:
            raise DemoFailed(f"Generating the warehouse failed; see {self.warehouse_log}")
        summary = [line for line in self.warehouse_log.read_text(encoding="utf-8").splitlines()
                   if line.startswith("Generated")]
        self.say("  " + (summary[-1] if summary else "warehouse generated"))

    @property
    def warehouse_log(self):
        return self.config.logs_dir / "warehouse.log"

    def services(self) -> list[Service]:
        config, logs = self.config, self.config.logs_dir
        worker_log = logs / "worker.log"
        return [
            Service(
                "Databricks stand-in",
                [config.python, "manage.py", "databricks_emulator", "--port", str(config.emulator_port),
                 "--data-dir", str(config.emulator_data_dir), "--token", config.secrets.emulator_token],
                logs / "emulator.log",
                _http_ok(f"{config.emulator_url}/api/2.1/jobs/list",
                         {"Authorization": f"Bearer {config.secrets.emulator_token}"}),
            ),
            Service(
                "web server (gunicorn)",
                [config.python, "-m", "gunicorn", "conversioncentral.wsgi:application", "--bind",
                 f"127.0.0.1:{config.web_port}", "--workers", "2", "--timeout", "120", "--access-logfile", "-"],
                logs / "web.log",
                _http_ok(f"{config.web_url}/healthz"),
            ),
            Service(
                "Celery worker with beat",
                [config.python, "-m", "celery", "-A", "conversioncentral", "worker", "-B", "--loglevel", "INFO",
                 "--concurrency", "1", "--schedule", str(config.var_dir / "celerybeat-schedule")],
                worker_log,
                _log_says(worker_log, " ready."),
            ),
        ]

    def start_services(self, stack: Stack) -> None:
        for service in self.services():
            service.log_path.unlink(missing_ok=True)  # so readiness reads this start's log, not the last one's
            started = time.monotonic()
            stack.start(service, ready_timeout=SERVICE_READY_SECONDS)
            self.say(f"  {service.name} ready in {time.monotonic() - started:.1f} s (log: {service.log_path})")

    def start_run(self, api: DemoApi) -> dict:
        dataset = api.ensure_dataset()
        group = api.ensure_table_group(dataset["id"], catalog=warehouse.CATALOG, schema_name=warehouse.SCHEMA)
        self.say(f"  dataset #{dataset['id']} {dataset['name']!r}, table group #{group['id']} "
                 f"{group['catalog']}.{group['schema_name']} (through the REST API)")
        summary = api.start_run(group["id"])
        self.say(f"  profile run {summary['profile_run_id']} {summary['status']}, "
                 f"Databricks job {summary['databricks_job_id']} run {summary['databricks_run_id']}")
        return summary

    def wait_for(self, api: DemoApi, stack: Stack, profile_run_id: str) -> dict:
        from dataquality.services.access.workspaces import get_client

        client = get_client()
        started = time.monotonic()
        last_line = ""
        while True:
            stack.check_alive()
            run = api.run(profile_run_id)
            elapsed = time.monotonic() - started
            line = f"  {run['status']:<9} Databricks: {self._databricks_state(client, run)}"
            if line != last_line or int(elapsed) % 10 == 0:
                self.say(f"{line}  [{elapsed:5.1f} s]")
                last_line = line
            if run["status"] in FINAL_STATUSES:
                return run
            if elapsed > RUN_TIMEOUT_SECONDS:
                raise DemoFailed(f"The run was not finished after {RUN_TIMEOUT_SECONDS} s")
            time.sleep(1)

    @staticmethod
    def _databricks_state(client, run: dict) -> str:
        if not run.get("databricks_run_id"):
            return "not submitted"
        try:
            state = client.get_run(run["databricks_run_id"]).get("state", {})
        except DatabricksError as exc:  # progress only: a failed look-up must not stop the demo
            return f"(unknown: {exc})"
        return " ".join(part for part in (state.get("life_cycle_state"), state.get("result_state")) if part)

    def print_summary(self, api: DemoApi, run: dict, token: str) -> None:
        run_id = run["profile_run_id"]
        self.say()
        self.say(render_summary(api.results(run_id), api.anomalies(run_id)))
        self.say()
        self.print_access(run_id, token, run.get("run_page_url"))

    def print_access(self, run_id: str, token: str, run_page_url: str | None) -> None:
        web = self.config.web_url
        self.say(f"Log in as {USERNAME} / {self.config.secrets.password}   (REST token: {token})")
        self.say(f"  Run report    {web}/data-quality/profile-runs/{run_id}/report")
        self.say(f"  Runs          {web}/data-quality/runs")
        self.say(f"  Run (API)     {web}/data-quality/profile-runs/{run_id}")
        self.say(f"  Admin         {web}/admin/")
        self.say(f"  API docs      {web}/api/docs")
        if run_page_url:
            self.say(f"  Databricks stand-in run page   {run_page_url}")
        self.say(f"  curl -H 'Authorization: Token {token}' {web}/data-quality/profile-runs")

    # --- the whole job ----------------------------------------------------------------------------

    def run(self, *, serve: bool = False) -> int:
        self.say(f"Demo in {self.config.var_dir}: web {self.config.web_url}, Databricks stand-in "
                 f"{self.config.emulator_url}")
        self.say("1. Warehouse, database and demo login")
        generating = self.start_warehouse()
        try:
            token = self._timed("set-up", self.migrate_and_login)
            with Stack(cwd=REPOSITORY_ROOT, env=self.env) as stack:
                self.say("2. Services")
                self._timed("services", lambda: self.start_services(stack))
                self._timed("warehouse (rest)", lambda: self.finish_warehouse(generating))
                self.profile(stack, token, serve=serve)
        finally:
            if generating is not None and generating.poll() is None:  # interrupted or failed meanwhile
                generating.kill()
                generating.wait()
        self.say(f"Everything the demo started is stopped; {time.monotonic() - self.timer.started:.1f} s in all.")
        return 0

    def profile(self, stack: Stack, token: str, *, serve: bool) -> None:
        api = DemoApi(self.config.web_url, token)
        self.say("3. Profile run")
        summary = self._timed("start", lambda: self.start_run(api))
        run = self._timed("profile run", lambda: self.finish_run(api, stack, summary["profile_run_id"]))
        if needs_history(run["table_group_id"]):
            self.say("4. History: earlier runs seeded from this one, then a second run judged against them")
            seeded, planted = self._timed("history", lambda: seed_history(self.config.web_url, run["profile_run_id"]))
            self.say(f"  {seeded} runs seeded a day apart ({SEEDED_BY!r}); planted: fewer nulls in {planted} before")
            summary = self._timed("second start", lambda: api.start_run(run["table_group_id"]))
            run = self._timed("second run", lambda: self.finish_run(api, stack, summary["profile_run_id"]))
        self.print_summary(api, run, token)
        self.say()
        self.say(self.timer.line())
        if serve:
            self.serve(stack)
        else:
            self.say("Stopping the services (run `make serve` to keep them up and browse).")

    def finish_run(self, api: DemoApi, stack: Stack, run_id: str) -> dict:
        """Wait for the run to end; it must complete."""
        try:
            run = self.wait_for(api, stack, run_id)
        except KeyboardInterrupt:
            api.cancel_run(run_id)  # so the stand-in stops the notebook before it is stopped itself
            raise
        if run["status"] != "completed":
            raise DemoFailed(f"The run ended {run['status']}: {run.get('error_message')}")
        return run

    def serve(self, stack: Stack) -> None:
        self.say(f"Serving on {self.config.web_url} until Ctrl-C.")
        try:
            while True:
                stack.check_alive()
                time.sleep(1)
        except KeyboardInterrupt:
            self.say("\nStopping the services.")


__all__ = ["Demo", "DemoFailed", "ServiceFailed"]
