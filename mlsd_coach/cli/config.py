"""`mlsd config`: show the effective LLM settings, or test them with one tiny request."""

from __future__ import annotations

import typer

from mlsd_coach.cli.output import console

app = typer.Typer(
    help="Show or test the LLM settings (OPENAI_API_KEY, OPENAI_BASE_URL, MLSD_LLM_MODEL…).",
    no_args_is_help=True,
)


@app.command("show")
def show() -> None:
    """Print the effective LLM settings and where each comes from; the key is masked."""
    from mlsd_coach.llm.config import config_path, load_settings

    settings = load_settings()
    out = console()
    source = settings.sources
    rows = [
        ("API key", settings.masked_key, source.get("OPENAI_API_KEY", "")),
        (
            "base URL",
            settings.base_url or "(OpenAI)",
            source.get("MLSD_LLM_BASE_URL") or source.get("OPENAI_BASE_URL", "default"),
        ),
        ("model", settings.model, source.get("MLSD_LLM_MODEL", "default")),
        ("timeout", f"{settings.timeout:g} s", source.get("MLSD_LLM_TIMEOUT", "default")),
    ]
    for name, value, origin in rows:
        out.print(f"{name:<9} {value}  [dim]{origin}[/dim]")
    out.print(f"config file: {config_path()}")
    state = (
        "configured: `--scorer auto` uses the LLM"
        if settings.configured
        else "not configured: scoring is offline"
    )
    out.print(f"LLM judge {state}")


@app.command("test")
def test() -> None:
    """Make one tiny request to the configured model and report success or the exact problem."""
    from mlsd_coach.errors import BadInputError, ExitCode
    from mlsd_coach.llm.client import LlmClient, LlmUnavailable
    from mlsd_coach.llm.config import load_settings
    from mlsd_coach.scoring.select import NOT_CONFIGURED

    settings = load_settings()
    if not settings.configured:
        raise BadInputError(NOT_CONFIGURED)
    client = LlmClient(settings)
    try:
        reply = client.text([{"role": "user", "content": "Reply with the single word: ready"}], max_tokens=5)
    except LlmUnavailable as err:
        typer.echo(f"error: {settings.model} at {settings.base_url or 'OpenAI'}: {err}", err=True)
        raise typer.Exit(ExitCode.FAILURE) from None
    console().print(
        f"[green]ok[/green]: {settings.model} at {settings.base_url or 'OpenAI'} replied {reply[:40]!r}"
    )
