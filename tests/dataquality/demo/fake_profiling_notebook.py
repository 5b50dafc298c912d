"""Stands in for `notebooks/profiling` where a test needs a run to complete without Spark: it writes a completed
payload where the run's `payload_path` points (the stand-in's local DBFS), as the real notebook does."""

import json
import os
from pathlib import Path

widgets = json.loads(Path(os.environ["DQ_WIDGETS_FILE"]).read_text())
target = Path(os.environ["DQ_LOCAL_DBFS_ROOT"]) / widgets["payload_path"].removeprefix("dbfs:/")
target.parent.mkdir(parents=True, exist_ok=True)
target.write_text(json.dumps({"status": "completed", "row_count": 3, "anomaly_count": 0, "anomalies": []}))
