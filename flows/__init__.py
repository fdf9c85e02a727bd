"""Prefect flows: the orchestration layer (the only place prefect is imported) over capgraph's core."""
