"""A candidate's Mermaid flowchart, read and checked against the case's blueprint.

`extract` finds the diagrams in an answer, `parse` reads one into a `Diagram`, and `check`
compares it with the blueprint: which components are drawn, the order of the online stages,
offline work on the request path, the feedback loop to training, and the latency drawn.
"""
