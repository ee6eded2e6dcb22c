"""kintrace: documentation and tracing for families of people recruited from penal colonies."""

__version__ = "0.1.0"
