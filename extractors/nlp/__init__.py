"""GiNZA segmentation of the report's text units."""
