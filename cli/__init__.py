"""The entry layer: the ``capgraph`` command, its tables, ``--explain`` and machine-readable output.

It sits above ``flows/`` and the pipeline core in ``capgraph/``; nothing below it imports it.
"""
