"""Views of the answers: records for JSON/CSV, tables, Markdown, charts and the HTML page. Computes nothing."""
