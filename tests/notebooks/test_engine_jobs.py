"""The number of Spark jobs a table costs does not grow with its columns; a further chunk adds one pass."""

import itertools

import pytest

from notebooks.dq_profiler import ProfileOptions, profile_dataframe

_group_ids = itertools.count()


def _mixed_table(spark, width):
    # Every fourth column is text, so both passes and every kind of pass-2 grouping are exercised.
    expressions = [
        f"CONCAT('v', CAST(id % {index + 3} AS STRING)) AS text_{index}" if index % 4 == 1 else f"id * {index} AS number_{index}"
        for index in range(width)
    ]
    return spark.range(200).selectExpr(*expressions)


def _jobs_for(spark, df, options=ProfileOptions()):
    """Profile in a job group of our own, then count the jobs Spark recorded for that group."""
    group = f"dq-profiler-test-{next(_group_ids)}"
    context = spark.sparkContext
    context.setJobGroup(group, "job count test")
    try:
        profile_dataframe(df, schema_name="s", table_name="t", options=options)
    finally:
        context.setLocalProperty("spark.jobGroup.id", None)
    return len(context.statusTracker().getJobIdsForGroup(group))


@pytest.fixture(scope="module")
def narrow_jobs(spark):
    return _jobs_for(spark, _mixed_table(spark, 5))


def test_sixty_columns_cost_the_same_jobs_as_five(spark, narrow_jobs):
    assert 2 <= narrow_jobs <= 8  # two passes; adaptive execution may run a pass's shuffle stages as jobs
    assert _jobs_for(spark, _mixed_table(spark, 60)) == narrow_jobs


def test_each_further_chunk_of_columns_adds_one_pass(spark, narrow_jobs):
    two_chunks = _jobs_for(spark, _mixed_table(spark, 5), ProfileOptions(columns_per_pass=3))
    three_chunks = _jobs_for(spark, _mixed_table(spark, 5), ProfileOptions(columns_per_pass=2))
    pass_one_jobs = two_chunks - narrow_jobs
    assert 1 <= pass_one_jobs < narrow_jobs  # pass 1 of the second chunk only; pass 2 still runs once
    assert three_chunks == narrow_jobs + 2 * pass_one_jobs


def test_a_chunk_too_wide_to_compile_is_read_by_one_interpreted_aggregate(spark, narrow_jobs):
    # 150 columns hold about 900 fixed-width aggregates: too many for one compiled method, so pass 1 does not split
    # them from the sketches into a query of their own (which Spark would fail to compile, then interpret anyway).
    wide_jobs = _jobs_for(spark, _mixed_table(spark, 150))
    assert wide_jobs < narrow_jobs
