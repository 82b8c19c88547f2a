"""The audit log's pages: the system administrator's search and CSV export."""
