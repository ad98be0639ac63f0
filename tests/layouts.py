"""One answer in the layouts people use: the same words under `##` step titles, `###` titles
in the author's own words, numbered own titles, bold pseudo-headings, or no headings at all."""

from __future__ import annotations

import re

# What authors call each step when they do not use the framework's names.
OWN_TITLES = {
    "requirements": "What we are solving for",
    "framing": "Turning it into a prediction problem",
    "data": "Where the training examples come from",
    "model": "The models",
    "evaluation": "How we will know it works",
    "serving": "Running it in production",
    "monitoring": "Keeping it healthy after launch",
}
LAYOUTS = ("step titles", "### own titles", "numbered own titles", "bold own titles", "no headings")
_H2 = re.compile(r"^## (.+)$", re.M)


def sections(answer: str) -> list[str]:
    """The bodies under each `## ` heading of an answer written with the step titles."""
    parts = _H2.split(answer)
    return [body.strip() for body in parts[2::2]]


def render(answer: str, layout: str, step_ids: list[str]) -> str:
    bodies = sections(answer)
    titles = [OWN_TITLES[step_id] for step_id in step_ids]
    if layout == "step titles":
        return answer
    if layout == "### own titles":
        return "\n\n".join(f"### {title}\n\n{body}" for title, body in zip(titles, bodies, strict=True))
    if layout == "numbered own titles":
        return "\n\n".join(
            f"{number}. {title}\n\n{body}"
            for number, (title, body) in enumerate(zip(titles, bodies, strict=True), 1)
        )
    if layout == "bold own titles":
        return "\n\n".join(f"**{title}**\n\n{body}" for title, body in zip(titles, bodies, strict=True))
    if layout == "no headings":
        return "\n\n".join(bodies)
    raise ValueError(layout)
