"""Data files of the security package: the receipt word lists."""
