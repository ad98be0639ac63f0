"""One resilient way to ask an OpenAI-compatible server for text or for a validated object.

Structured output first asks for a JSON schema (`response_format` type `json_schema`, via the
SDK's parse helper). A server that refuses it, with any 4xx/5xx whose body names the response
format, or that ignores it, gets JSON mode instead, with the schema in the prompt and, where the
server is known to read it, in the request too; a reply that does not validate (prose around
the JSON, a missing field) gets one repair attempt. Every request carries `max_tokens`. A
request whose `max_tokens` does not fit the model's context is retried once with what fits.
Timeouts, 429 (honouring Retry-After), 5xx and refused connections are retried with backoff.
Everything that still fails becomes one `LlmUnavailable` with a one-line reason from which the
key and any token-shaped secret were removed before it was shortened.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ValidationError

from mlsd_coach.errors import MlsdError
from mlsd_coach.llm.config import LOCAL_SERVER_KEY, LlmSettings, redact
from mlsd_coach.prose import fold

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = (0.5, 1.5)
MAX_RETRY_AFTER = 20.0
MAX_ERROR_CHARS = 200
MIN_REPLY_TOKENS = 256  # less room than this in the context cannot hold a step's judgement
PROBE_TIMEOUT = 5.0
CUT_OFF = "the model's reply was cut off at its token limit (finish_reason=length)"
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)
_SCHEMA_WORDS = ("response_format", "json_schema", "json schema", "json_object", "structured")
# vLLM, old and new wording (vllm/entrypoints/openai/serving_engine.py):
#   "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens
#    (3000 in the messages, 2000 in the completion). ..."
#   "'max_tokens' or 'max_completion_tokens' is too large: 2000. This model's maximum context
#    length is 4096 tokens and your request has 3000 input tokens (2000 > 4096 - 3000)."
_CONTEXT_LENGTH = re.compile(r"maximum context length is (\d+) tokens", re.I)
_PROMPT_LENGTH = re.compile(r"(\d+) in the messages|request has (\d+) input tokens", re.I)

JsonMode = Literal["json_schema", "json_object+schema", "json_object"]


class LlmUnavailable(MlsdError):
    """The model could not give a usable answer to one request; `str()` is a one-line reason."""


class LlmServerFailure(LlmUnavailable):
    """The server, not one request, failed: unreachable, timing out, erroring after retries, or
    rejecting the key, the model or the request. Asking again now would fail the same way."""


@dataclass(frozen=True)
class TextReply:
    text: str
    cut_off: bool  # the model stopped at `max_tokens`


class LlmClient:
    def __init__(self, settings: LlmSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        import openai

        self.settings = settings
        self._openai = openai
        self._sleep = sleep
        self._mode: JsonMode = "json_schema"
        try:
            self._client = openai.OpenAI(
                api_key=settings.api_key or LOCAL_SERVER_KEY,
                base_url=settings.base_url,
                timeout=settings.timeout,
                max_retries=0,
            )
        except Exception as err:  # settings are validated on load; this is the SDK's own check
            raise LlmServerFailure(self._clean(f"cannot set up the OpenAI client: {err}")) from None

    def reply(self, messages: list[dict[str, str]], *, max_tokens: int) -> TextReply:
        """Whatever the model answered, also when cut off at `max_tokens` or empty."""
        choice = _first_choice(self._create(messages, max_tokens))
        return TextReply((choice.message.content or "").strip(), choice.finish_reason == "length")

    def text(self, messages: list[dict[str, str]], *, max_tokens: int) -> str:
        """A complete answer: a cut-off, filtered or refused reply is `LlmUnavailable`."""
        choice = _usable_choice(self._create(messages, max_tokens))
        return (choice.message.content or "").strip()

    def structured(self, messages: list[dict[str, str]], schema: type[M], *, max_tokens: int) -> M:
        if self._mode == "json_schema":
            try:
                return self._parse(messages, schema, max_tokens)
            except _SchemaRefused:
                self._mode = self._json_mode_for_server()
        if self._mode == "json_object+schema":
            try:
                return self._json_mode(messages, schema, max_tokens)
            except _SchemaRefused:
                self._mode = "json_object"  # it does not read the schema there after all
        try:
            return self._json_mode(messages, schema, max_tokens)
        except _SchemaRefused:
            raise LlmServerFailure(
                "the server accepts neither a JSON schema nor JSON mode (response_format)"
            ) from None

    def _create(self, messages: list[dict[str, str]], max_tokens: int) -> Any:
        return self._call(
            lambda tokens: self._client.chat.completions.create(
                model=self.settings.model, messages=_sdk(messages), temperature=0, max_tokens=tokens
            ),
            max_tokens,
        )

    def _parse(self, messages: list[dict[str, str]], schema: type[M], max_tokens: int) -> M:
        def request(tokens: int) -> Any:
            return self._client.chat.completions.parse(
                model=self.settings.model,
                messages=_sdk(messages),
                response_format=schema,
                temperature=0,
                max_tokens=tokens,
            )

        try:
            completion = self._call(request, max_tokens, refusable=True)
        except ValidationError:
            raise _SchemaRefused from None  # it answered but ignored the schema: use JSON mode
        message = _usable_choice(completion).message
        if message.parsed is None:
            raise _SchemaRefused
        parsed: M = message.parsed
        return parsed

    def _json_mode_for_server(self) -> JsonMode:
        """How to ask this server for JSON once it refused a JSON schema.

        - llama.cpp's server (owned_by "llamacpp" in `GET /models`) builds a grammar from
          `{"type": "json_object", "schema": …}`, while builds before json_schema support
          answer that type with HTTP 500 'response_format type must be one of "text" or
          "json_object"' (tools/server/server-common.cpp, oaicompat_chat_params_parse).
        - Ollama's OpenAI endpoint reads only `response_format`: json_schema becomes its
          `format`, json_object becomes `format: "json"`, and a top-level `format` field is
          ignored (openai/openai.go, FromChatRequest), so sending one would be noise.
        - vLLM (owned_by "vllm") accepts json_schema, so it seldom gets here.
        Anything else gets plain JSON mode, with the schema in the prompt only.
        """
        return "json_object+schema" if self._models_owner() == "llamacpp" else "json_object"

    def _models_owner(self) -> str:
        if not self.settings.base_url:
            return "openai"
        try:
            timeout = min(self.settings.timeout, PROBE_TIMEOUT)
            page = self._client.with_options(timeout=timeout, max_retries=0).models.list()
            return next((str(model.owned_by) for model in page.data), "")
        except Exception:  # a best-effort hint: a server without the route gets plain JSON mode
            return ""

    def _json_mode(self, messages: list[dict[str, str]], schema: type[M], max_tokens: int) -> M:
        json_schema = schema.model_json_schema()
        response_format: dict[str, Any] = {"type": "json_object"}
        if self._mode == "json_object+schema":
            response_format["schema"] = json_schema
        instruction = (
            "Reply with one JSON object only, no prose, that validates against this JSON schema:\n"
            + json.dumps(json_schema)
        )
        conversation = [*messages, {"role": "user", "content": instruction}]
        reply = self._json_reply(conversation, response_format, max_tokens)
        try:
            return schema.model_validate(extract_json(reply))
        except (ValueError, ValidationError) as first_error:
            repair = [
                *conversation,
                {"role": "assistant", "content": reply},
                {
                    "role": "user",
                    "content": f"That reply was not valid: {str(first_error)[:500]}. Return only the corrected JSON object.",
                },
            ]
            try:
                return schema.model_validate(
                    extract_json(self._json_reply(repair, response_format, max_tokens))
                )
            except (ValueError, ValidationError):
                raise LlmUnavailable(
                    "the model's reply was not valid JSON for the rubric, even after a repair"
                ) from None

    def _json_reply(
        self, messages: list[dict[str, str]], response_format: dict[str, Any], max_tokens: int
    ) -> str:
        completion = self._call(
            lambda tokens: self._client.chat.completions.create(
                model=self.settings.model,
                messages=_sdk(messages),
                temperature=0,
                max_tokens=tokens,
                response_format=_sdk(response_format),
            ),
            max_tokens,
            refusable=True,
        )
        return _usable_choice(completion).message.content or ""

    def _call(self, request: Callable[[int], T], max_tokens: int, *, refusable: bool = False) -> T:
        """`request(max_tokens)`, retried where that can help; failures become `LlmUnavailable`.

        `refusable`: the request names a response format, and an error about it means "this
        server does not do that format" (`_SchemaRefused`), not "the server is down"."""
        errors = self._openai
        attempt, shrunk = 1, False
        while True:
            try:
                return request(max_tokens)
            except errors.LengthFinishReasonError:
                raise LlmUnavailable(CUT_OFF) from None
            except errors.ContentFilterFinishReasonError:
                raise LlmUnavailable("the model's reply was blocked by its content filter") from None
            except errors.APITimeoutError:
                reason, detail = f"no reply within {self.settings.timeout:g} s", ""
                wait = _backoff(attempt)
            except errors.APIConnectionError:
                reason, detail = f"cannot connect to {self._where()}", ""
                wait = _backoff(attempt)
            except errors.APIStatusError as err:
                if refusable and _mentions_schema(err):
                    raise _SchemaRefused from None
                context = None if shrunk else _context_limit(err)
                if context is not None:
                    max_tokens, shrunk = _fitting(*context), True
                    continue
                reason, detail, wait = self._retryable(err, attempt)
            except ValidationError:
                raise  # parse: the reply ignored the schema, which the caller handles
            except Exception as err:  # a reply the SDK cannot read: not JSON, no choices, …
                raise LlmServerFailure(
                    self._clean(f"the server's reply could not be read ({type(err).__name__}: {err})")
                ) from None
            if attempt == MAX_ATTEMPTS:
                raise LlmServerFailure(
                    f"{reason}, {MAX_ATTEMPTS} attempts" + (f": {detail}" if detail else "")
                )
            attempt += 1
            self._sleep(wait)

    def _retryable(self, err: Any, attempt: int) -> tuple[str, str, float]:
        """(reason, server's message, wait) for a status worth retrying; raises for the rest."""
        status, detail = int(err.status_code), self._clean(_server_message(err))
        if status == 429:
            return "rate limited (HTTP 429)", detail, _retry_after(err) or _backoff(attempt)
        if status >= 500:
            return f"server error (HTTP {status})", detail, _backoff(attempt)
        if status == 401:
            raise LlmServerFailure("the API key was rejected (HTTP 401); check OPENAI_API_KEY")
        if status == 404:
            raise LlmServerFailure(
                f"model '{self.settings.model}' or endpoint not found (HTTP 404): {detail}; "
                "check MLSD_LLM_MODEL and the base URL"
            )
        raise LlmServerFailure(f"the server rejected the request (HTTP {status}): {detail}")

    def _where(self) -> str:
        return redact(self.settings.base_url, self.settings) if self.settings.base_url else "the OpenAI API"

    def _clean(self, text: str) -> str:
        """Server text for a message: secrets removed first, then one line, then shortened."""
        return fold(redact(text, self.settings))[:MAX_ERROR_CHARS]


class _SchemaRefused(Exception):
    """The server does not do the response format that was asked for."""


def _sdk(value: Any) -> Any:
    """Plain dicts where the SDK's signatures name TypedDicts; the wire format is the same."""
    return value


def _first_choice(completion: Any) -> Any:
    if not completion.choices:
        raise LlmServerFailure("the server's reply has no choices; is the base URL its /v1 endpoint?")
    return completion.choices[0]


def _usable_choice(completion: Any) -> Any:
    choice = _first_choice(completion)
    if choice.finish_reason == "length":
        raise LlmUnavailable(CUT_OFF)
    if choice.finish_reason == "content_filter":
        raise LlmUnavailable("the model's reply was blocked by its content filter")
    if getattr(choice.message, "refusal", None):
        raise LlmUnavailable("the model refused to answer")
    return choice


def extract_json(text: str) -> Any:
    """The JSON object in a reply, also when wrapped in prose or a code fence."""
    text = text.strip()
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end <= start:
        raise ValueError("no JSON object in the reply")
    return json.loads(text[start : end + 1])


def _retry_after(err: Any) -> float | None:
    try:
        value = float(err.response.headers.get("retry-after", ""))
    except (AttributeError, TypeError, ValueError):
        return None
    return min(max(value, 0.0), MAX_RETRY_AFTER)


def _backoff(attempt: int) -> float:
    return BACKOFF_SECONDS[min(attempt - 1, len(BACKOFF_SECONDS) - 1)]


def _mentions_schema(err: Any) -> bool:
    text = f"{err} {getattr(err, 'body', '')}".lower()
    return any(word in text for word in _SCHEMA_WORDS)


def _server_message(err: Any) -> str:
    """The server's own words: `error.message` in OpenAI's error shape, else the whole body."""
    body = getattr(err, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
    return str(getattr(err, "message", err))


def _context_limit(err: Any) -> tuple[int, int] | None:
    """(context length, prompt tokens) when a 400 says the request does not fit the context."""
    if getattr(err, "status_code", None) != 400:
        return None
    message = _server_message(err)
    limit, prompt = _CONTEXT_LENGTH.search(message), _PROMPT_LENGTH.search(message)
    if not (limit and prompt):
        return None
    return int(limit.group(1)), int(prompt.group(1) or prompt.group(2))


def _fitting(context: int, prompt: int) -> int:
    """The largest `max_tokens` that fits beside the prompt, if that can hold a reply."""
    room = context - prompt
    if room < MIN_REPLY_TOKENS:
        raise LlmUnavailable(
            f"the model's context ({context} tokens) is too small for the prompt and a reply"
        )
    return room
