"""The staff queue: triage (pure rules), the pipeline steps, and the staff use cases."""
