"""ssh_keys commands of the double (to be written)."""
