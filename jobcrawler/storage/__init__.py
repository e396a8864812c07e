"""Persistence: SQLAlchemy 2.x models, engine and migrations, batched upserts, lifecycle."""
