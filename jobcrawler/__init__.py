"""jobcrawler: job ads from careers sites and agencies into one clean database."""

__version__ = "0.1.0"
