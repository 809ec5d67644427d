"""git commands of the double (to be written)."""
