from dataquality.databricks.redaction import redact_data, redact_text, secret_values


def test_redact_text_masks_keyed_values_in_json_reprs_and_queries():
    text = (
        '{"callback_token": "abc", "idempotency_token": "run-1"} '
        "{'client_secret': 'def'} ?access_token=ghi&path=/x password=jkl Authorization: Bearer mno"
    )
    redacted = redact_text(text)
    for secret in ("abc", "def", "ghi", "jkl", "mno"):
        assert secret not in redacted
    assert '"callback_token": "***"' in redacted and "'client_secret': '***'" in redacted
    assert '"idempotency_token": "run-1"' in redacted and "path=/x" in redacted  # not secrets


def test_redact_text_masks_known_values_without_keys():
    redacted = redact_text("rejected value s3cr3t-long and s3cr3t", ["s3cr3t", "s3cr3t-long"])
    assert redacted == "rejected value *** and ***"


def test_redact_data_and_secret_values_walk_nested_structures():
    body = {
        "job_id": 1,
        "job_parameters": {"callback_token": "cb", "profile_run_id": "r"},
        "list": [{"password": "pw"}],
    }
    assert redact_data(body) == {
        "job_id": 1,
        "job_parameters": {"callback_token": "***", "profile_run_id": "r"},
        "list": [{"password": "***"}],
    }
    assert sorted(secret_values(body)) == ["cb", "pw"]
