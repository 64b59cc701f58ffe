"""Exporting a saved run as a report: Markdown (``markdown_report``) or one self-contained HTML
page (``html_report``), built from its summary and answers (``answers``; a followed-up run's
turns as a thread: ``thread``), written owner-only into the run folder or a chosen path
(``write``)."""
