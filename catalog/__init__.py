"""One catalog across every report of an output folder.

- ``OUT/catalog.duckdb``: every report's pages, blocks, tables, cells, Q&A rows, tokens,
  figures … as SQL tables, every row keyed by ``report`` (the ingested PDF's file name)
  and ``report_sha256`` (``catalog.tables`` lists them).
- ``OUT/catalog.search.sqlite``: a BM25 full-text index (SQLite FTS5) of every text unit
  (``catalog.search``).

``build_catalog(out)`` makes both from scratch; ``refresh_catalog(out)`` brings them in
line with the folder (a re-written report replaces its rows, a removed one goes). Both
write into temp files in ``out`` and ``os.replace`` them, so a reader sees the old
catalog or the new one, never half of one. Plain functions (``catalog.sync``): the
flows call them. Importing this package imports nothing (the CLI starts cheaply).
"""
