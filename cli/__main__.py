"""``python -m cli``: the same as the ``capgraph`` command."""

from cli.main import main

main()
