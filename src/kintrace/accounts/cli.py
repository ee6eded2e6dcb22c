def register(sub) -> None:
    """createstaff is added by the accounts work (issue 3)."""
