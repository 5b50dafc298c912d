def test_local_spark_runs_a_query(spark):
    assert spark.range(10).selectExpr("sum(id) AS total").collect()[0]["total"] == 45
