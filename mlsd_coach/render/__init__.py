"""Turn a finished (or unfinished) session into a Markdown or HTML report."""
