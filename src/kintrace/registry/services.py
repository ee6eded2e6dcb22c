def regions_ensure_loaded() -> None:
    """Load the gazetteer of regions into the database (filled in by the registry work)."""
