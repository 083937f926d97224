"""Month-end for the bookkeeper: the reports, the workbook, and closing a month."""
