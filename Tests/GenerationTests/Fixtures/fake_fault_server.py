#!/usr/bin/env python3
"""A FAKE OpenAI-compatible server for faults a real llama.cpp server cannot be made to show on demand.

The first path segment picks the behaviour of POST /<mode>/v1/chat/completions:
  ok        a valid completion
  429x2     HTTP 429 (Retry-After: 0) for the first two calls, then ok
  drop      closes the connection without answering on the first call, then ok
  garbage   HTTP 200 whose body is not JSON, every time
  500       HTTP 500 every time
  400       HTTP 400 every time (must not be retried)
  logprobs  a one-token verdict "No" with top_logprobs (No -0.4, Yes -1.2, " no" -3.0, "Maybe" -4.0)
  dropall   closes the connection without answering, every time
GET /count/<mode> returns how many chat calls <mode> received. Prints its port on the first line of stdout.
It stops when the process that started it ends (the tests kill it when done). A fixed lifetime is wrong here:
on a loaded machine a test has reached its first request more than two minutes after starting the server.
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

counts = {}
lock = threading.Lock()

COMPLETION = {
    "model": "fake",
    "choices": [{"message": {"role": "assistant", "content": "{\"question\": \"Q?\", \"answer\": \"A\", \"evidence\": \"E\"}"},
                 "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 11, "completion_tokens": 7},
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body.encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "count":
            with lock:
                self.reply(200, json.dumps({"count": counts.get(parts[1], 0)}))
        else:
            self.reply(404, "{}")

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        mode = self.path.strip("/").split("/")[0]
        with lock:
            counts[mode] = counts.get(mode, 0) + 1
            n = counts[mode]
        if mode == "ok":
            self.reply(200, json.dumps(COMPLETION))
        elif mode == "429x2":
            if n <= 2:
                self.reply(429, '{"error": "busy"}', [("Retry-After", "0")])
            else:
                self.reply(200, json.dumps(COMPLETION))
        elif mode == "drop":
            if n == 1:
                self.close_connection = True
                self.connection.close()
            else:
                self.reply(200, json.dumps(COMPLETION))
        elif mode == "logprobs":
            tops = [{"token": "No", "logprob": -0.4}, {"token": "Yes", "logprob": -1.2},
                    {"token": " no", "logprob": -3.0}, {"token": "Maybe", "logprob": -4.0}]
            body = {"model": "fake", "usage": {"prompt_tokens": 5, "completion_tokens": 1},
                    "choices": [{"message": {"role": "assistant", "content": "No"}, "finish_reason": "length",
                                 "logprobs": {"content": [{"token": "No", "logprob": -0.4, "top_logprobs": tops}]}}]}
            self.reply(200, json.dumps(body))
        elif mode == "dropall":
            self.close_connection = True
            self.connection.close()
        elif mode == "garbage":
            self.reply(200, "this is not json {")
        elif mode == "500":
            self.reply(500, '{"error": "boom"}')
        else:
            self.reply(400, '{"error": "bad request"}')


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)


def stop_when_orphaned(parent):
    while os.getppid() == parent:
        time.sleep(1)
    server.shutdown()


threading.Thread(target=stop_when_orphaned, args=(os.getppid(),), daemon=True).start()
server.serve_forever()
