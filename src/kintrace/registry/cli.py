def register(sub) -> None:
    """demo and `registry dedupe` are added by the registry and lists work."""
