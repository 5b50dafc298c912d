"""Write the golden payload of the seed table from the current engine: `python -m tests.notebooks.golden.regenerate`.

Only when the engine's answers are meant to change: say in the commit message which fields changed and why
(`tests/notebooks/test_golden_payload.py` exists to catch changes that were not meant).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .seed_table import profile_seed_table

GOLDEN_PATH = Path(__file__).resolve().parent / "seed_table_payload.json"


def dumps(table: dict[str, Any]) -> str:
    return json.dumps(table, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"


def main() -> None:
    from notebooks.dq_profiler.local_spark import local_spark_session

    spark = local_spark_session("dq-profiler-golden", cores="2")
    try:
        GOLDEN_PATH.write_text(dumps(profile_seed_table(spark)), encoding="utf-8")
    finally:
        spark.stop()
    print(f"Wrote {GOLDEN_PATH.name}")


if __name__ == "__main__":
    main()
