"""Pipeline stages. Each is pure: a batch of records in, a batch out; no store, CLI or web."""
