"""Text rules every stage shares: code points, line breaking, bullet markers, the survey vocabulary, captions (no geometry)."""
