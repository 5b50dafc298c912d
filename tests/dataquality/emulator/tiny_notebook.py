"""A notebook that needs no Spark, for the emulator's tests: what it does depends on its `mode` widget.

- `ok` (default): exits with a JSON summary of its widgets and the environment the emulator gave it;
- `fail`: raises, with markup in the message (the run page must escape it);
- `sleep`: sleeps `seconds`, after starting a child process (a kill must reach the whole process group);
- `payload`: writes `payload_path` (a `dbfs:/` path) into the local DBFS root, then exits.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

widgets = json.loads(Path(os.environ["DQ_WIDGETS_FILE"]).read_text())
mode = widgets.get("mode", "ok")
print(f"tiny notebook starting in mode {mode}", flush=True)

if mode == "fail":
    raise RuntimeError("boom <script>alert(1)</script>")
if mode == "sleep":
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    print(f"child pid {child.pid}", flush=True)
    time.sleep(float(widgets.get("seconds", "60")))
if mode == "payload":
    target = Path(os.environ["DQ_LOCAL_DBFS_ROOT"]) / widgets["payload_path"].removeprefix("dbfs:/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(widgets.get("payload", "{}"))

summary = {
    "mode": mode,
    "widgets": widgets,
    "drop_callback": os.environ.get("DQ_LOCAL_DROP_CALLBACK", ""),
    "warehouse_root": os.environ.get("DQ_LOCAL_WAREHOUSE_ROOT", ""),
    "inherited_databricks_settings": sorted(name for name in os.environ if name.startswith("DATABRICKS_")),
}
Path(os.environ["DQ_NOTEBOOK_EXIT_FILE"]).write_text(json.dumps(summary))
print("tiny notebook done", flush=True)
