"""The engine version reported as `profile_version` in every payload."""

ENGINE_VERSION = "dq-profiler/1.0.0"
