"""The repository collector: static evidence from git repositories, never executed."""
