"""The numbers analysts and journalists read: charts, a tile-grid map, tables and CSV files.

Counts only, never a name. Aggregates are computed in the database (GROUP BY) and cached for a
few minutes (`selectors.CACHE_SECONDS`); charts are drawn on the server as SVG by pygal.
"""
