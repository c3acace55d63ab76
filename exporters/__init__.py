"""Exporters: read the document model (``docmodel``), never the PDF.

``write_outputs(report, out_dir, stem)`` writes every file of one report.
"""

from exporters.outputs import write_outputs

__all__ = ["write_outputs"]
