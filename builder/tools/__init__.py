"""Staff tools that write sources: a new project, an import from the official text."""
