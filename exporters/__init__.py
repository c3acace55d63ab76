"""Exporters: read the document model (``docmodel``), never the PDF."""
