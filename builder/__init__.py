"""budgetsite: publish Chinese district budget project disclosures as a bilingual static site."""

UNKNOWN_VERSION = "0+unknown"


def version() -> str:
    """The installed version (`budgetsite --version`, the requirements.txt that
    `budgetsite init` writes). Run from a checkout that was never installed, there is
    no metadata to read it from: UNKNOWN_VERSION, a valid version lower than any."""
    from importlib import metadata  # only the commands that ask pay for it
    try:
        return metadata.version("budgetsite")
    except metadata.PackageNotFoundError:
        return UNKNOWN_VERSION
