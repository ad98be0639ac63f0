"""`mlsd config`: show the effective LLM settings, or test them with one tiny request."""

from __future__ import annotations

import typer

from mlsd_coach.cli.output import console, plain, safe

TEST_MAX_TOKENS = 8

app = typer.Typer(
    help="Show or test the LLM settings (OPENAI_API_KEY, OPENAI_BASE_URL, MLSD_LLM_MODEL…).",
    no_args_is_help=True,
)


@app.command("show")
def show() -> None:
    """Print the effective LLM settings and where each comes from; the key is masked."""
    from mlsd_coach.llm.config import load_settings, redact
    from mlsd_coach.paths import config_path

    settings = load_settings()
    out = console()
    source = settings.sources
    rows = [
        ("API key", settings.masked_key, source.get("OPENAI_API_KEY", "")),
        (
            "base URL",
            redact(settings.base_url, settings) if settings.base_url else "(OpenAI)",
            source.get("MLSD_LLM_BASE_URL") or source.get("OPENAI_BASE_URL", "default"),
        ),
        ("model", settings.model, source.get("MLSD_LLM_MODEL", "default")),
        ("timeout", f"{settings.timeout:g} s", source.get("MLSD_LLM_TIMEOUT", "default")),
    ]
    for name, value, origin in rows:
        out.print(f"{name:<9} {safe(value)}  [dim]{origin}[/dim]")
    out.print(f"config file: {config_path()}")
    state = (
        "configured: `--scorer auto` uses the LLM"
        if settings.configured
        else "not configured: scoring is offline"
    )
    out.print(f"LLM judge {state}")


@app.command("test")
def test() -> None:
    """Make one tiny request to the configured model and report success or the exact problem.

    Any reply proves that the server and the model work, also one cut off at its token limit
    (the limit is kept tiny so that a slow local model answers quickly)."""
    from mlsd_coach.errors import BadInputError, ExitCode
    from mlsd_coach.llm.client import LlmClient, LlmUnavailable
    from mlsd_coach.llm.config import load_settings, redact
    from mlsd_coach.scoring.llm import NOT_CONFIGURED

    settings = load_settings()
    if not settings.configured:
        raise BadInputError(NOT_CONFIGURED)
    url = redact(settings.base_url, settings) if settings.base_url else "OpenAI"
    where = f"{settings.model} at {url}"
    try:
        reply = LlmClient(settings).reply(
            [{"role": "user", "content": "Reply with the single word: ready"}], max_tokens=TEST_MAX_TOKENS
        )
    except LlmUnavailable as err:
        typer.echo(plain(f"error: {where}: {err}"), err=True)
        raise typer.Exit(ExitCode.FAILURE) from None
    said = f"replied {reply.text[:40]!r}" if reply.text else "replied (an empty message)"
    limit = ", cut off at its token limit" if reply.cut_off else ""
    console().print(f"[green]ok[/green]: {safe(where)} {safe(said)}{limit} — server and model work")
