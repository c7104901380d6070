"""The package version (read by packaging and the User-Agent)."""

__version__ = "0.1.0"
