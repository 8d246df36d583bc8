"""Documents: reportlab PDFs on the shared page template, and the e-mail report text."""
