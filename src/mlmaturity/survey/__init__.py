"""The team survey: answers files, consensus per team, where roles disagree, the terminal prompt."""
