"""Each project's history from git: the commits that changed what it says."""
