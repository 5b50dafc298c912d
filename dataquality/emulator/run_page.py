"""The HTML pages a `run_page_url` leads to: one run with its state and log tail, and an index of runs.

Everything shown is escaped (the log is the notebook's output, so anything can be in it); no asset is loaded
from anywhere.
"""

from __future__ import annotations

from html import escape

from .shapes import run_page_url

_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1f23}"
    "table{border-collapse:collapse}td,th{padding:.25rem .75rem;text-align:left;border-bottom:1px solid #ddd}"
    "pre{background:#f6f8fa;padding:1rem;overflow:auto;max-height:60vh;white-space:pre-wrap}"
)
LOG_LINES = 200


def _page(title: str, body: str, *, refresh: bool) -> str:
    meta = '<meta http-equiv="refresh" content="3">' if refresh else ""
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">{meta}<title>{escape(title)}</title>'
        f"<style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def _state_text(run: dict) -> str:
    parts = [run["life_cycle_state"], run["result_state"] or ""]
    return " / ".join(part for part in parts if part)


def render_run_page(run: dict, job_name: str, log_text: str) -> str:
    rows = [
        ("Job", f"{job_name} ({run['job_id']})"),
        ("Run", str(run["run_id"])),
        ("State", _state_text(run)),
        ("Message", run["state_message"] or ""),
    ]
    if run["error"] and run["error"] != run["state_message"]:  # a long error is cut short in the message
        rows.append(("Error", run["error"]))
    table = "".join(f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>" for name, value in rows)
    log_lines = "\n".join(log_text.splitlines()[-LOG_LINES:])
    body = (
        f"<h1>Run {run['run_id']}</h1><p><a href=\"/\">All runs</a></p><table>{table}</table>"
        f"<h2>Notebook log (last {LOG_LINES} lines)</h2><pre>{escape(log_lines) or '(no output yet)'}</pre>"
    )
    refresh = run["life_cycle_state"] in ("QUEUED", "PENDING", "RUNNING", "TERMINATING")
    return _page(f"Run {run['run_id']}: {_state_text(run)}", body, refresh=refresh)


def render_index(runs: list[dict]) -> str:
    rows = "".join(
        f"<tr><td><a href=\"{escape(run_page_url('', run))}\">{run['run_id']}</a></td>"
        f"<td>{escape(str(run['settings'].get('name', '')))}</td><td>{escape(_state_text(run))}</td>"
        f"<td>{escape(run['state_message'] or '')}</td></tr>"
        for run in runs
    )
    body = (
        "<h1>Databricks emulator</h1><table><tr><th>Run</th><th>Job</th><th>State</th><th>Message</th></tr>"
        f"{rows}</table>"
    )
    return _page("Databricks emulator", body, refresh=False)
