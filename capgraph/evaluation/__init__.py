"""``capgraph eval``: score an extractor's records against a gold set of our own descriptions."""
