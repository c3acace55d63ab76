"""Text rules every stage shares: code points, line breaking, markers, vocabulary, captions (no geometry)."""
