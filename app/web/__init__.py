"""The public pages and downloads: thin routes over the services."""
