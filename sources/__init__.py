"""Sources: fetch a tool's description and signals for a ref (installed:NAME, file:PATH, ...)."""
