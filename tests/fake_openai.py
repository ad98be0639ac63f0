"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions API.

Tests script its replies (status, headers, body, delay) and read back every request it
received, so the LLM path is exercised through the real `openai` SDK and real sockets.
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


def judgement(request: dict[str, Any], verdict: Callable[[str, str], tuple[str, list[str]]]) -> Reply:
    """A structured judgement: `verdict(item_id, answer)` -> (verdict, quotes) for each item."""
    items = []
    for item_id in _ITEM_ID.findall(judge_prompt(request)):
        decision, quotes = verdict(item_id, answer_in(request))
        items.append(
            {"id": item_id, "verdict": decision, "evidence": quotes, "feedback": f"Feedback on {item_id}."}
        )
    return completion(json.dumps({"items": items}))


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.script: list[Reply | Handler] = []
        self.default: Handler = lambda request: judgement(request, lambda item_id, answer: ("missed", []))
        fake = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                fake.headers.append({name.lower(): value for name, value in self.headers.items()})
                step = fake.script.pop(0) if fake.script else fake.default
                reply = step(body) if callable(step) else step
                if reply.delay:
                    time.sleep(reply.delay)
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
