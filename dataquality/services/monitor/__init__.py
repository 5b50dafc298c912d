"""Watching runs over time: the sweep and reconciliation with Databricks, schedules, alerts."""
