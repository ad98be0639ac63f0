"""A case's blueprint rendered for the terminal, Mermaid, Graphviz, Markdown and HTML."""
