"""Prefect flows over the subpipe library: orchestration only (tasks, artifacts, schedules)."""
