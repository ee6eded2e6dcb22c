def register(sub) -> None:
    """dedupe and link are added by the matching-engine work (issue 2)."""
