"""A local stand-in for the Databricks REST API, for the demo, end-to-end tests and development.

It plays Databricks, not this app: it imports nothing of the app's models, services or Databricks client, so it
can never agree with our code by sharing it. Served by `python manage.py databricks_emulator`; see
`server.EmulatorServer` to run it in-process.
"""
