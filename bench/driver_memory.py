"""The driver JVM's peak heap use, from its memory pools (MemoryPoolMXBean) through py4j.

In local mode the driver is the whole of Spark, executors included. The JVM keeps a peak per pool (eden, survivor,
old generation for G1); the pools peak at different moments, so their sum is an upper bound of the heap's peak,
not the peak itself.
"""

from __future__ import annotations

from pyspark.sql import SparkSession


def _heap_pools(spark: SparkSession) -> list:
    management = spark.sparkContext._jvm.java.lang.management.ManagementFactory
    return [pool for pool in management.getMemoryPoolMXBeans() if pool.getType().name() == "HEAP"]


def reset_heap_peaks(spark: SparkSession) -> None:
    """Start every heap pool's peak afresh from its current use."""
    for pool in _heap_pools(spark):
        pool.resetPeakUsage()


def heap_peak_bytes(spark: SparkSession) -> int:
    """The sum of the heap pools' peaks since the last reset (an upper bound of the heap's peak)."""
    return sum(pool.getPeakUsage().getUsed() for pool in _heap_pools(spark))


def heap_max_bytes(spark: SparkSession) -> int:
    """The heap's maximum size (-Xmx, what spark.driver.memory sets)."""
    return spark.sparkContext._jvm.java.lang.Runtime.getRuntime().maxMemory()


def mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"
