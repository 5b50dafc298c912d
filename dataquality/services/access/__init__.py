"""Who may use which workspace, what an error may tell whom, and the PII rule."""
