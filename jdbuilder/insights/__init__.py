"""Insights for recruiters and staff: server-rendered SVG charts, each with its numbers in a table
and a CSV."""
