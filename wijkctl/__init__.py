"""wijkctl: administration of Dutch wijkplatforms on versioned YAML data."""

__version__ = "0.1.0"
