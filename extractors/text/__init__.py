"""Text: code points, markers, line breaking, captions (no geometry)."""
