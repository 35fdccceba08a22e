"""Services: all SQL lives here. They take a Session and never commit."""
