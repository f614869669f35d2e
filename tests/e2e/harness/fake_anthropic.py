#!/usr/bin/env python3
# ruff: noqa  (vendored from ../shared/claude-code/harness, Claude Code 2.1.330; keep in sync)
"""Fake Anthropic Messages API server (stdlib only) that follows a scripted plan.

Claude Code is pointed at it with ANTHROPIC_BASE_URL=http://127.0.0.1:PORT.

Scenario: a JSON list of "model turns". Each *main-loop* request (one that carries
the `tools` list, i.e. the agent loop, not Claude Code's side requests such as
title generation) consumes the next turn.  A turn is one of:

  {"text": "done"}                                   -> end_turn with text
  {"tool": "Write", "input": {...}}                  -> one tool_use block
  {"content": [ {"type":"text","text":"..."},
                {"type":"tool_use","name":"Edit","input":{...}} ]}
  optional keys: "stop_reason" (default: tool_use if any tool_use block else end_turn),
                 "note" (free text, ignored)

Strings inside turns may contain placeholders that are substituted at serve time:
  {{PROJECT}}  -> the project directory (absolute path)
  {{HOME}}     -> the throwaway HOME
When the script is exhausted, the server answers with a plain end_turn text.

Every request (headers + JSON body) is appended to <log_dir>/requests.jsonl.
"""

import argparse
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL_FALLBACK = "claude-sonnet-4-5"


def _subst(obj, mapping):
    if isinstance(obj, str):
        for k, v in mapping.items():
            obj = obj.replace("{{%s}}" % k, v)
        return obj
    if isinstance(obj, list):
        return [_subst(x, mapping) for x in obj]
    if isinstance(obj, dict):
        return {k: _subst(v, mapping) for k, v in obj.items()}
    return obj


def turn_to_content(turn):
    """Normalise a scenario turn into a list of Anthropic content blocks."""
    if "content" in turn:
        blocks = turn["content"]
    elif "tool" in turn:
        blocks = []
        if turn.get("text"):
            blocks.append({"type": "text", "text": turn["text"]})
        blocks.append({"type": "tool_use", "name": turn["tool"], "input": turn.get("input", {})})
    else:
        blocks = [{"type": "text", "text": turn.get("text", "Done.")}]
    out = []
    for b in blocks:
        b = dict(b)
        if b.get("type") == "tool_use" and not b.get("id"):
            b["id"] = "toolu_" + uuid.uuid4().hex[:24]
        out.append(b)
    return out


class FakeState:
    def __init__(self, scenario, log_dir, mapping):
        self.scenario = list(scenario)
        self.log_dir = log_dir
        self.mapping = mapping
        self.lock = threading.Lock()
        self.turn_index = 0
        self.n_requests = 0
        os.makedirs(log_dir, exist_ok=True)
        self.log_path = os.path.join(log_dir, "requests.jsonl")

    def log(self, rec):
        with self.lock:
            with open(self.log_path, "a") as f:
                f.write(json.dumps(rec) + "\n")

    def next_turn(self):
        with self.lock:
            i = self.turn_index
            self.turn_index += 1
        if i < len(self.scenario):
            return i, _subst(self.scenario[i], self.mapping)
        return i, {"text": "(fake model: script exhausted)"}


def is_main_request(body):
    """Main agent-loop requests carry the tool list; side requests do not."""
    return bool(body.get("tools"))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-anthropic/1"

    def log_message(self, fmt, *args):  # quiet
        if os.environ.get("FAKE_ANTHROPIC_VERBOSE"):
            sys.stderr.write("fake-anthropic: " + (fmt % args) + "\n")

    @property
    def st(self) -> FakeState:
        return self.server.state  # type: ignore[attr-defined]

    def _read_body(self):
        n = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(n) if n else b""
        try:
            return raw, json.loads(raw.decode() or "null")
        except Exception:
            return raw, None

    def _send_json(self, code, obj, extra_headers=None):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("request-id", "req_fake_" + uuid.uuid4().hex[:12])
        for k, v in (extra_headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def do_GET(self):
        self.st.log(
            {"ts": time.time(), "method": "GET", "path": self.path, "headers": dict(self.headers)}
        )
        if self.path.startswith("/v1/models"):
            self._send_json(
                200,
                {
                    "data": [
                        {
                            "type": "model",
                            "id": MODEL_FALLBACK,
                            "display_name": "Fake",
                            "created_at": "2025-01-01T00:00:00Z",
                        }
                    ],
                    "has_more": False,
                    "first_id": MODEL_FALLBACK,
                    "last_id": MODEL_FALLBACK,
                },
            )
            return
        self._send_json(
            404,
            {"type": "error", "error": {"type": "not_found_error", "message": "fake: not found"}},
        )

    def do_POST(self):
        raw, body = self._read_body()
        path = self.path.split("?")[0]
        rec = {
            "ts": time.time(),
            "method": "POST",
            "path": self.path,
            "headers": {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("x-api-key", "authorization")
            },
            "body": body if body is not None else raw.decode(errors="replace"),
        }
        if path.endswith("/count_tokens"):
            rec["kind"] = "count_tokens"
            self.st.log(rec)
            self._send_json(200, {"input_tokens": max(1, len(raw) // 4)})
            return
        if not path.endswith("/v1/messages"):
            rec["kind"] = "other"
            self.st.log(rec)
            self._send_json(
                404,
                {
                    "type": "error",
                    "error": {"type": "not_found_error", "message": "fake: not found"},
                },
            )
            return
        body = body or {}
        model = body.get("model") or MODEL_FALLBACK
        if is_main_request(body):
            idx, turn = self.st.next_turn()
            rec["kind"] = "main"
            rec["turn_index"] = idx
            content = turn_to_content(turn)
            stop = turn.get("stop_reason") or (
                "tool_use" if any(b.get("type") == "tool_use" for b in content) else "end_turn"
            )
        else:
            rec["kind"] = "side"
            content = [{"type": "text", "text": os.environ.get("FAKE_SIDE_REPLY", "Fake session")}]
            stop = "end_turn"
        rec["response_content"] = content
        self.st.log(rec)
        msg_id = "msg_fake_" + uuid.uuid4().hex[:20]
        usage = {
            "input_tokens": max(1, len(raw) // 4),
            "output_tokens": 10,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        }
        if body.get("stream"):
            self._stream(msg_id, model, content, stop, usage)
        else:
            self._send_json(
                200,
                {
                    "id": msg_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": content,
                    "stop_reason": stop,
                    "stop_sequence": None,
                    "usage": usage,
                },
            )

    def _stream(self, msg_id, model, content, stop, usage):
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("cache-control", "no-cache")
        self.send_header("connection", "close")
        self.send_header("request-id", "req_fake_" + uuid.uuid4().hex[:12])
        self.end_headers()
        self.close_connection = True

        def ev(name, data):
            self.wfile.write(("event: %s\ndata: %s\n\n" % (name, json.dumps(data))).encode())
            self.wfile.flush()

        ev(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": msg_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": dict(usage, output_tokens=1),
                },
            },
        )
        ev("ping", {"type": "ping"})
        for i, b in enumerate(content):
            if b["type"] == "text":
                ev(
                    "content_block_start",
                    {
                        "type": "content_block_start",
                        "index": i,
                        "content_block": {"type": "text", "text": ""},
                    },
                )
                txt = b["text"]
                for j in range(0, max(len(txt), 1), 200):
                    ev(
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": i,
                            "delta": {"type": "text_delta", "text": txt[j : j + 200]},
                        },
                    )
            elif b["type"] == "tool_use":
                ev(
                    "content_block_start",
                    {
                        "type": "content_block_start",
                        "index": i,
                        "content_block": {
                            "type": "tool_use",
                            "id": b["id"],
                            "name": b["name"],
                            "input": {},
                        },
                    },
                )
                js = json.dumps(b.get("input", {}))
                for j in range(0, len(js), 500):
                    ev(
                        "content_block_delta",
                        {
                            "type": "content_block_delta",
                            "index": i,
                            "delta": {"type": "input_json_delta", "partial_json": js[j : j + 500]},
                        },
                    )
            else:
                raise ValueError("unsupported block type %r" % b["type"])
            ev("content_block_stop", {"type": "content_block_stop", "index": i})
        ev(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop, "stop_sequence": None},
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        )
        ev("message_stop", {"type": "message_stop"})


def make_server(scenario, log_dir, mapping, port=0):
    srv = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    srv.daemon_threads = True
    srv.state = FakeState(scenario, log_dir, mapping)  # type: ignore[attr-defined]
    return srv


def main():
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--log-dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--project", default=os.getcwd())
    ap.add_argument("--home", default=os.environ.get("HOME", ""))
    ap.add_argument("--port-file", help="write the bound port here")
    a = ap.parse_args()
    with open(a.scenario) as f:
        sc = json.load(f)
    turns = sc["turns"] if isinstance(sc, dict) else sc
    srv = make_server(turns, a.log_dir, {"PROJECT": a.project, "HOME": a.home}, a.port)
    port = srv.server_address[1]
    if a.port_file:
        with open(a.port_file, "w") as f:
            f.write(str(port))
    print("fake-anthropic listening on 127.0.0.1:%d" % port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
