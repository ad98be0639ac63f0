"""One resilient way to ask an OpenAI-compatible server for text or for a validated object.

Structured output goes through the SDK's parse helper (JSON schema). A server that refuses
JSON schemas gets JSON mode with the schema in the prompt; a reply that does not validate
(prose around the JSON, a missing field) gets one repair attempt. Timeouts, 429 (honouring
Retry-After), 5xx and refused connections are retried with backoff; everything that still
fails becomes one `LlmUnavailable` with a one-line reason that never contains the key.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mlsd_coach.llm.config import LOCAL_SERVER_KEY, LlmSettings, redact

M = TypeVar("M", bound=BaseModel)
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = (0.5, 1.5)
MAX_RETRY_AFTER = 20.0
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


class LlmUnavailable(Exception):
    """The model could not give a usable answer; `str()` is a one-line reason."""


class LlmClient:
    def __init__(self, settings: LlmSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        import openai

        self.settings = settings
        self._openai = openai
        self._sleep = sleep
        self._client = openai.OpenAI(
            api_key=settings.api_key or LOCAL_SERVER_KEY,
            base_url=settings.base_url,
            timeout=settings.timeout,
            max_retries=0,
        )
        self._json_schema_supported = True

    def text(self, messages: list[dict[str, str]], max_tokens: int = 300) -> str:
        completion = self._call(
            lambda: self._client.chat.completions.create(
                model=self.settings.model, messages=_sdk(messages), temperature=0, max_tokens=max_tokens
            )
        )
        choice = completion.choices[0]
        if choice.finish_reason == "length":
            raise LlmUnavailable("the model's reply was cut off (finish_reason=length)")
        if getattr(choice.message, "refusal", None):
            raise LlmUnavailable("the model refused to answer")
        return (choice.message.content or "").strip()

    def structured(self, messages: list[dict[str, str]], schema: type[M]) -> M:
        if self._json_schema_supported:
            try:
                return self._parse(messages, schema)
            except _SchemaRefused:
                self._json_schema_supported = False
        return self._json_mode(messages, schema)

    def _parse(self, messages: list[dict[str, str]], schema: type[M]) -> M:
        errors = self._openai

        def request() -> Any:
            return self._client.chat.completions.parse(
                model=self.settings.model, messages=_sdk(messages), response_format=schema, temperature=0
            )

        try:
            completion = self._call(request, refuse_schema=True)
        except errors.LengthFinishReasonError:
            raise LlmUnavailable("the model's reply was cut off (finish_reason=length)") from None
        except errors.ContentFilterFinishReasonError:
            raise LlmUnavailable("the model's reply was blocked by its content filter") from None
        except (ValidationError, json.JSONDecodeError):
            raise _SchemaRefused from None  # the server ignored the schema: use JSON mode
        message = completion.choices[0].message
        if getattr(message, "refusal", None):
            raise LlmUnavailable("the model refused to judge this answer")
        if message.parsed is None:
            raise _SchemaRefused
        return message.parsed

    def _json_mode(self, messages: list[dict[str, str]], schema: type[M]) -> M:
        instruction = (
            "Reply with one JSON object only, no prose, that validates against this JSON schema:\n"
            + json.dumps(schema.model_json_schema())
        )
        conversation = [*messages, {"role": "user", "content": instruction}]
        reply = self._json_reply(conversation)
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
                return schema.model_validate(extract_json(self._json_reply(repair)))
            except (ValueError, ValidationError):
                raise LlmUnavailable(
                    "the model's reply was not valid JSON for the rubric, even after a repair"
                ) from None

    def _json_reply(self, messages: list[dict[str, str]]) -> str:
        completion = self._call(
            lambda: self._client.chat.completions.create(
                model=self.settings.model,
                messages=_sdk(messages),
                temperature=0,
                response_format=_sdk({"type": "json_object"}),
            )
        )
        choice = completion.choices[0]
        if choice.finish_reason == "length":
            raise LlmUnavailable("the model's reply was cut off (finish_reason=length)")
        if getattr(choice.message, "refusal", None):
            raise LlmUnavailable("the model refused to judge this answer")
        return choice.message.content or ""

    def _call(self, request: Callable[[], Any], refuse_schema: bool = False) -> Any:
        errors = self._openai
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return request()
            except errors.RateLimitError as err:
                reason, wait = "rate limited (HTTP 429)", _retry_after(err) or _backoff(attempt)
            except errors.InternalServerError as err:
                reason, wait = f"server error (HTTP {err.status_code})", _backoff(attempt)
            except errors.APITimeoutError:
                reason, wait = f"no reply within {self.settings.timeout:g} s", _backoff(attempt)
            except errors.APIConnectionError:
                reason, wait = (
                    f"cannot connect to {self.settings.base_url or 'the OpenAI API'}",
                    _backoff(attempt),
                )
            except errors.AuthenticationError:
                raise LlmUnavailable("the API key was rejected (HTTP 401); check OPENAI_API_KEY") from None
            except errors.NotFoundError:
                raise LlmUnavailable(
                    f"model '{self.settings.model}' or endpoint not found (HTTP 404)"
                ) from None
            except errors.BadRequestError as err:
                if refuse_schema and _mentions_schema(err):
                    raise _SchemaRefused from None
                raise LlmUnavailable(
                    redact(f"the server rejected the request (HTTP 400): {_short(err)}", self.settings)
                ) from None
            except errors.APIStatusError as err:
                raise LlmUnavailable(
                    redact(f"HTTP {err.status_code}: {_short(err)}", self.settings)
                ) from None
            if attempt == MAX_ATTEMPTS:
                raise LlmUnavailable(f"{reason}, {MAX_ATTEMPTS} attempts")
            self._sleep(wait)
        raise AssertionError("unreachable")


class _SchemaRefused(Exception):
    """The server does not do JSON-schema structured output."""


def _sdk(value: Any) -> Any:
    """Plain dicts where the SDK's signatures name TypedDicts; the wire format is the same."""
    return value


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
    return any(word in str(err).lower() for word in ("response_format", "json_schema", "structured"))


def _short(err: Any) -> str:
    return " ".join(str(getattr(err, "message", err)).split())[:200]
