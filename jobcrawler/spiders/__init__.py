"""Spiders: fetching only (requests, pagination); extraction lives in ``jobcrawler.extract``."""
