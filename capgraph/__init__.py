"""capgraph: the command line, the settings object and the pipeline core that ties the stages together."""
