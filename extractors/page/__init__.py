"""Page-level stages: chars → lines → tables, furniture, blocks of one page."""
