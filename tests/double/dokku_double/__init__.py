"""A test double of the ``dokku`` CLI (Dokku 0.38.27).  Test fixture only: never shipped."""
