"""Reading offices' own spreadsheets (not our exports): cells written any way people write them
(`cells`), the header row found by itself with synonyms, units and two-row merged headers
(`headers`), and which rows below it are data, totals, section headings or notes (`rows`).

Each importer declares its columns as a `headers.ColumnTable`; the project-list importer
(`projects.importer`) and the progress importer (`dispatch.importer`) share the rest.
"""
