"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions API.

Tests script its replies (status, headers, body, delay) and read back every request it
received, so the LLM path is exercised through the real `openai` SDK and real sockets.

`kind` makes it behave like one of the local servers the README names, as their sources show:

- "openai" (default): accepts everything; `GET /models` says owned_by "system".
- "llamacpp": llama.cpp's server before json_schema support answers that response format with
  HTTP 500 'response_format type must be one of "text" or "json_object", but got: json_schema'
  and builds a grammar from `{"type": "json_object", "schema": …}`
  (tools/server/server-common.cpp, oaicompat_chat_params_parse); owned_by "llamacpp".
- "ollama": its OpenAI endpoint maps `response_format` json_schema to its own `format` and
  ignores a top-level `format` field (openai/openai.go, FromChatRequest); owned_by is the
  model's namespace, "library" for its own models; replies carry system_fingerprint fp_ollama.
- "vllm": accepts json_schema; a prompt plus `max_tokens` longer than the model's context is
  HTTP 400 "'max_tokens' or 'max_completion_tokens' is too large: …" (serving_engine.py);
  replies of a reasoning model carry `reasoning_content` beside `content`; owned_by "vllm".

Every kind stops a reply at the request's `max_tokens` (about four characters a token), with
finish_reason "length", as a real server does.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handler = Callable[[dict[str, Any]], "Reply"]
_ITEM_ID = re.compile(r"^- id: (\S+)$", re.M)
CHARS_PER_TOKEN = 4
KINDS = ("openai", "llamacpp", "ollama", "vllm")
MODEL_OWNERS = {"openai": "system", "llamacpp": "llamacpp", "ollama": "library", "vllm": "vllm"}
LLAMACPP_JSON_SCHEMA_ERROR = (
    'response_format type must be one of "text" or "json_object", but got: json_schema'
)


@dataclass
class Reply:
    status: int = 200
    body: dict[str, Any] | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def completion(content: str | None, finish_reason: str = "stop", refusal: str | None = None) -> Reply:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if refusal is not None:
        message["refusal"] = refusal
    return Reply(
        body={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "test-model",
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
    )


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(
        status=status,
        body={"error": {"message": message, "type": "test", "code": None}},
        headers=headers or {},
    )


def judge_prompt(request: dict[str, Any]) -> str:
    return next(
        (m["content"] for m in request["messages"] if m["role"] == "user" and "- id: " in m["content"]), ""
    )


def answer_in(request: dict[str, Any]) -> str:
    """The candidate's answer between the random markers of a judge request."""
    prompt = judge_prompt(request)
    match = re.search(r"<<ANSWER (\w+)>>\n(.*)\n<<END ANSWER \1>>", prompt, re.S)
    return match.group(2) if match else ""


def step_title(request: dict[str, Any]) -> str:
    """The title of the step a judge request is about ("" for other requests)."""
    match = re.search(r"^Step: (.*?)\. Goal:", judge_prompt(request), re.M)
    return match.group(1) if match else ""


def judgement(request: dict[str, Any], verdict: Callable[[str, str], tuple[str, list[str]]]) -> Reply:
    """A structured judgement: `verdict(item_id, answer)` -> (verdict, quotes) for each item."""
    items = []
    for item_id in _ITEM_ID.findall(judge_prompt(request)):
        decision, quotes = verdict(item_id, answer_in(request))
        items.append(
            {"id": item_id, "verdict": decision, "evidence": quotes, "feedback": f"Feedback on {item_id}."}
        )
    return completion(json.dumps({"items": items}))


def response_format_type(request: dict[str, Any]) -> str | None:
    return (request.get("response_format") or {}).get("type")


def prompt_tokens(request: dict[str, Any]) -> int:
    return len(json.dumps(request.get("messages", []))) // CHARS_PER_TOKEN


class FakeOpenAI:
    def __init__(self, kind: str = "openai") -> None:
        self.kind = kind
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.gets: list[str] = []
        self.script: list[Reply | Handler] = []
        self.default: Handler = lambda request: judgement(request, lambda item_id, answer: ("missed", []))
        self.max_model_len = 32768  # vLLM's context length, as its `GET /models` reports it
        fake = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                fake.gets.append(self.path)
                if self.path.rstrip("/").endswith("/models"):
                    self._send(Reply(body=fake.model_list()))
                else:
                    self._send(error(404, f"File Not Found: {self.path}"))

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                fake.headers.append({name.lower(): value for name, value in self.headers.items()})
                reply = fake.server_refusal(body)
                if reply is None:
                    step = fake.script.pop(0) if fake.script else fake.default
                    reply = step(body) if callable(step) else step
                    reply = fake.as_server_sends(reply, body)
                if reply.delay:
                    time.sleep(reply.delay)
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                payload = reply.body if isinstance(reply.body, str) else json.dumps(reply.body or {})
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("content-length", str(len(payload.encode())))
                    self.end_headers()
                    self.wfile.write(payload.encode())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def echo_authorization(self, status: int = 400, padding: int = 100) -> Handler:
        """A handler for a server (or proxy) that quotes the request's Authorization header in
        its error, after `padding` characters: a long key then straddles a 200-character cut."""

        def handler(request: dict[str, Any]) -> Reply:
            received = self.headers[-1].get("authorization", "")
            return error(status, f"{'x' * padding} invalid header Authorization: {received}")

        return handler

    def model_list(self) -> dict[str, Any]:
        model: dict[str, Any] = {
            "id": "test-model",
            "object": "model",
            "created": int(time.time()),
            "owned_by": MODEL_OWNERS[self.kind],
        }
        if self.kind == "vllm":
            model.update(root="test-model", parent=None, max_model_len=self.max_model_len, permission=[])
        return {"object": "list", "data": [model]}

    def server_refusal(self, request: dict[str, Any]) -> Reply | None:
        """What the imitated server answers before the model sees the request, if anything."""
        if self.kind == "llamacpp" and response_format_type(request) == "json_schema":
            return Reply(
                status=500,
                body={"error": {"code": 500, "message": LLAMACPP_JSON_SCHEMA_ERROR, "type": "server_error"}},
            )
        if self.kind == "vllm":
            return self._vllm_context_check(request)
        return None

    def _vllm_context_check(self, request: dict[str, Any]) -> Reply | None:
        prompt, asked, limit = prompt_tokens(request), request.get("max_tokens"), self.max_model_len
        if prompt >= limit:
            message = (
                f"This model's maximum context length is {limit} tokens. However, your request has "
                f"{prompt} input tokens. Please reduce the length of the input messages. None"
            )
        elif asked is not None and prompt + asked > limit:
            message = (
                f"'max_tokens' or 'max_completion_tokens' is too large: {asked}. This model's maximum "
                f"context length is {limit} tokens and your request has {prompt} input "
                f"tokens ({asked} > {limit} - {prompt}). None"
            )
        else:
            return None
        return Reply(
            status=400,
            body={"error": {"message": message, "type": "BadRequestError", "param": None, "code": 400}},
        )

    def as_server_sends(self, reply: Reply, request: dict[str, Any]) -> Reply:
        """`reply` stopped at the request's max_tokens, with the imitated server's extra fields."""
        if reply.status != 200 or not isinstance(reply.body, dict) or not reply.body.get("choices"):
            return reply
        body = json.loads(json.dumps(reply.body))
        choice = body["choices"][0]
        content, limit = choice["message"].get("content"), request.get("max_tokens")
        if isinstance(content, str) and limit is not None and len(content) > limit * CHARS_PER_TOKEN:
            choice["message"]["content"] = content[: limit * CHARS_PER_TOKEN]
            choice["finish_reason"] = "length"
        if self.kind == "ollama":
            body["system_fingerprint"] = "fp_ollama"
        if self.kind == "vllm":
            choice["message"]["reasoning_content"] = "The rubric asks for evidence; I quote the answer."
        return Reply(reply.status, body, reply.headers, reply.delay)
