"""Moving in and out: importing CSV/XLSX (our layouts, SimplePractice) and exporting
everything, sharing one format module (format.py)."""
