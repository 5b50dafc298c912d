"""Starting runs on Databricks: the group's job, its settings, the launch and its retries, cancellation."""
