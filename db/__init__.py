"""The practice file: engine, keys, typed models, migrations and queries. No Qt."""
