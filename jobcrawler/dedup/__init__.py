"""Duplicate clusters across sources: the same vacancy posted by the employer, its ATS and agencies.

``keys`` turns an ad into comparable parts (pure), ``signature`` its MinHash signatures and LSH band
keys (datasketch), ``rules`` decides whether two ads are the same vacancy and why (pure), ``store``
keeps clusters and the matching index in the database and clusters new and changed ads.
"""
