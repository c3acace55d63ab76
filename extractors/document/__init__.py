"""Document-level stages: run on every page at once (table joins, Q&A grids, the report)."""
