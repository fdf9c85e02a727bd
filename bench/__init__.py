"""Benchmarks, run as scripts (``python bench/ingest.py``); a package so the import contracts cover them."""
