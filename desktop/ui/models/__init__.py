"""Table models over frozen service rows, and the proxy that searches and sorts them."""
