"""One-file backup of the database and media, and its restore (``backup_data`` / ``restore_data``)."""
