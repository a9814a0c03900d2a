"""Exports of many JDs at once, made by the workers: a ZIP of PDFs, one combined PDF with a table
of contents, or a CSV of the library's rows.

The library's form picks the revisions (`jdbuilder.library.forms.ExportForm`); `services`
freezes them in a job (`queue_export`) and the job's handler writes the file (`run_export`)
through the job's chunked file store, one JD at a time. `views` show the job and stream its file
to its owner for `RULES[EXPORT].keep_result_for` (24 hours).
"""
