import pytest

from dataquality.services.monitor.run_states import translate_state


def old(life_cycle, result=None, message=""):
    state = {"life_cycle_state": life_cycle, "state_message": message}
    if result:
        state["result_state"] = result
    return {"state": state}


def new(state, code=None, message=""):
    status = {"state": state}
    if code:
        status["termination_details"] = {"code": code, "type": "CLIENT_ERROR", "message": message}
    return {"status": status}


@pytest.mark.parametrize(
    "life_cycle", ["QUEUED", "PENDING", "RUNNING", "TERMINATING", "BLOCKED", "WAITING_FOR_RETRY", "SOMETHING_NEW", ""]
)
def test_live_and_unknown_life_cycles_are_running(life_cycle):
    assert translate_state(old(life_cycle)).status == "running"


@pytest.mark.parametrize("state", ["QUEUED", "PENDING", "RUNNING", "TERMINATING", "BLOCKED", "WAITING", "FUTURE_STATE"])
def test_newer_status_object_live_states_are_running(state):
    assert translate_state(new(state)).status == "running"


@pytest.mark.parametrize("result", ["SUCCESS", "SUCCESS_WITH_FAILURES"])
def test_success_is_completed(result):
    assert translate_state(old("TERMINATED", result)).status == "completed"
    assert translate_state(new("TERMINATED", result)).status == "completed"


@pytest.mark.parametrize("result", ["CANCELED", "UPSTREAM_CANCELED"])
def test_cancellation_is_canceled(result):
    translated = translate_state(old("TERMINATED", result, "Run canceled"))
    assert translated.status == "canceled"
    assert result in translated.error_message


def test_user_canceled_in_the_newer_status_object():
    assert translate_state(new("TERMINATED", "USER_CANCELED")).status == "canceled"


def test_platform_cancel_of_a_timed_out_run_is_failed():
    # Databricks reports a run past the job's timeout_seconds as result TIMEDOUT in `state` and as code CANCELED
    # ("canceled by the platform") in `status`: that is a failure, whichever object is read.
    timed_out = {**old("TERMINATED", "TIMEDOUT", "Run timed out"), **new("TERMINATED", "CANCELED", "Run timed out")}

    translated = translate_state(timed_out)

    assert translated.status == "failed"
    assert "Run timed out" in translated.error_message


@pytest.mark.parametrize("result", ["FAILED", "TIMEDOUT", "MAXIMUM_CONCURRENT_RUNS_REACHED", "UPSTREAM_FAILED", "NEW_RESULT", None])
def test_other_terminal_results_are_failed_with_the_details(result):
    translated = translate_state(old("TERMINATED", result, "Notebook raised"))
    assert translated.status == "failed"
    assert "TERMINATED" in translated.error_message and "Notebook raised" in translated.error_message
    if result:
        assert result in translated.error_message


@pytest.mark.parametrize("life_cycle", ["SKIPPED", "INTERNAL_ERROR"])
def test_skipped_and_internal_error_are_failed(life_cycle):
    translated = translate_state(old(life_cycle, None, "Cluster could not start"))
    assert translated.status == "failed"
    assert life_cycle in translated.error_message and "Cluster could not start" in translated.error_message


def test_newer_status_object_failure_carries_code_and_message():
    translated = translate_state(new("TERMINATED", "RUN_EXECUTION_ERROR", "Task failed"))
    assert translated.status == "failed"
    assert "RUN_EXECUTION_ERROR" in translated.error_message and "Task failed" in translated.error_message


def test_newer_status_object_wins_over_the_older_state():
    answer = {**old("RUNNING"), **new("TERMINATED", "SUCCESS")}
    assert translate_state(answer).status == "completed"


def test_empty_answer_is_running():
    assert translate_state({}).status == "running"


@pytest.mark.parametrize("answer", [old("SOMETHING_NEW"), new("FUTURE_STATE"), {}])
def test_an_unknown_live_state_is_running_but_not_recognized(answer):
    translated = translate_state(answer)
    assert translated.status == "running" and not translated.recognized


@pytest.mark.parametrize("answer", [old("RUNNING"), new("WAITING"), old("TERMINATED", "FAILED")])
def test_known_states_are_recognized(answer):
    assert translate_state(answer).recognized
