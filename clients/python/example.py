#!/usr/bin/env python3
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
"""Runnable examples of the Python client against a running sluiced.

  example.py [--target HOST:PORT] demo
      One call of each RPC kind: Infer (echo), Generate (tokens), Ingest
      (sensors), and a Stream session (echo).
  example.py [--target HOST:PORT] generate [--model tokens] [--prompt TEXT]
             [--session ID] [--drop-after N]
      Generate in a resumable session: when the call is lost it reconnects
      with backoff and resumes after the last token received, so the text is
      printed exactly once. --drop-after N cancels the call after N tokens,
      as a lost connection would, to show a resume.
  example.py [--target HOST:PORT] session [--model echo]
      An interactive bidi session: each stdin line is one request, each answer
      is printed. When the connection breaks (the server restarts, say), it
      reconnects with exponential backoff under the same stream_id and resends
      the requests that were not answered yet.

Responses go to stdout; progress, reconnects and errors go to stderr.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
import uuid

import grpc

from sluice_client import Client, SluiceError, response_error

# Statuses after which a new stream may succeed: the server was down, was
# shutting down, or dropped the connection.
RETRYABLE = {grpc.StatusCode.UNAVAILABLE}
# How long a reconnect waits for the channel to connect before it counts as
# one more failed attempt.
RECONNECT_READY_SECONDS = 5.0

# Let the channel itself retry connecting quickly, so a restarted server is
# found within our own backoff rather than gRPC's default of up to 2 minutes.
# (Not grpc.min_reconnect_backoff_ms: in gRPC core that is the minimum connect
# timeout, and a small one makes a handshake that is slow under load fail
# again and again.)
RECONNECT_CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def demo(client: Client) -> int:
    failures = 0

    log("-- unary: Infer on echo")
    try:
        response = client.infer("echo", "hello", {"greeting": "yes"}, timeout=5)
        print(f"{response.payload.decode()} {dict(response.parameters)}", flush=True)
    except SluiceError as error:
        log(f"Infer failed: {error}")
        failures += 1

    log("-- server streaming: Generate on tokens, printed as they arrive")
    try:
        for response in client.generate("tokens", "hello", {"max_tokens": 8}, timeout=10):
            print(response.payload.decode(), end="\n" if response.final else "", flush=True)
    except SluiceError as error:
        log(f"Generate failed: {error}")
        failures += 1

    log("-- client streaming: Ingest on sensors, one summary at the end")
    # One CSV reading per request: sensor_id,time,temperature,humidity,pressure,vibration
    readings = [f"greenhouse-{i % 2 + 1},{i},{20 + i * 0.5},{50 + i},1013,0.02" for i in range(10)]
    try:
        response = client.ingest("sensors", readings, timeout=10)
        log(f"summary of {response.parameters['count']} readings from "
            f"{response.parameters['sensors']} sensors, one JSON line per sensor:")
        print(response.payload.decode(errors="replace").rstrip("\n"), flush=True)
    except SluiceError as error:
        log(f"Ingest failed: {error}")
        failures += 1

    log("-- bidirectional: a Stream session on echo")
    try:
        with client.stream("echo", timeout=10) as session:
            for word in ("one", "two", "three"):
                session.send(word)
            session.close_send()
            for response in session:
                print(f"#{response.request_sequence} {response.payload.decode()}", flush=True)
    except SluiceError as error:
        log(f"Stream failed: {error}")
        failures += 1
    return 1 if failures else 0


class Backoff:
    """Exponential backoff with jitter (gRPC's connection-backoff shape)."""

    def __init__(self, initial: float = 0.1, multiplier: float = 1.6, jitter: float = 0.2,
                 maximum: float = 5.0, max_attempts: int = 30):
        self.initial, self.multiplier, self.jitter = initial, multiplier, jitter
        self.maximum, self.max_attempts = maximum, max_attempts
        self.reset()

    def reset(self) -> None:
        self.attempt = 0
        self._delay = self.initial

    def next_delay(self) -> float | None:
        """Seconds to wait before the next attempt, or None to give up."""
        if self.attempt >= self.max_attempts:
            return None
        self.attempt += 1
        delay = self._delay * random.uniform(1 - self.jitter, 1 + self.jitter)
        self._delay = min(self._delay * self.multiplier, self.maximum)
        return delay


def wait_before_retry(backoff: Backoff, why: str) -> bool:
    """Logs and sleeps the next backoff delay; False (after logging) when the
    attempts are used up."""
    delay = backoff.next_delay()
    if delay is None:
        log(f"giving up after {backoff.attempt} attempts: {why}")
        return False
    log(f"reconnect: attempt {backoff.attempt} in {delay:.2f} s after {why}")
    time.sleep(delay)
    return True


def resilient_session(client: Client, model: str, lines, backoff: Backoff) -> int:
    """Sends each line as one request and prints the answers, one request in
    flight at a time, reconnecting on a retryable failure."""
    stream_id = uuid.uuid4().hex
    unanswered = collections.deque()  # (sequence, payload) sent, final response not seen
    next_sequence = 1
    # The last response sequence seen. When the server resumes streams, a
    # reconnect will ask it to replay from here; today it resends unanswered.
    last_response_sequence = 0
    lines = iter(lines)
    eof = False
    while True:
        # After a failure, open the next stream only on a connected channel:
        # a stream started while the server is still down can be left queued
        # in the channel (seen with grpcio 1.51 when the server comes back on
        # the same port), with nothing to end it since a session has no
        # deadline. Not connected in time counts as one more failed attempt.
        if backoff.attempt > 0 and not client.wait_until_ready(RECONNECT_READY_SECONDS):
            why = f"not connecting within {RECONNECT_READY_SECONDS:g} s"
            if not wait_before_retry(backoff, why):
                return 1
            continue
        session = client.stream(model, stream_id=stream_id, first_sequence=next_sequence)
        resent = len(unanswered)
        try:
            for sequence, payload in unanswered:
                session.send(payload, sequence=sequence)
            while True:
                while unanswered:
                    response = next(session, None)
                    if response is None:
                        raise SluiceError(grpc.StatusCode.INTERNAL,
                                          f"the server ended the stream with {len(unanswered)} "
                                          "request(s) unanswered", method="Stream")
                    if backoff.attempt > 0:
                        log(f"reconnected: stream_id={stream_id}, resent {resent} request(s) "
                            f"after response sequence {last_response_sequence}")
                        backoff.reset()  # The new stream works.
                    last_response_sequence = session.last_response_sequence
                    if (failure := response_error(response)) is not None:
                        log(f"error on request {response.request_sequence}: {failure}")
                    else:
                        print(response.payload.decode(errors="replace"),
                              end="\n" if response.final else "", flush=True)
                    answered = response.final or failure is not None
                    if answered and response.request_sequence == unanswered[0][0]:
                        unanswered.popleft()
                line = next(lines, None)
                if line is None:
                    eof = True
                    session.close_send()
                    for _ in session:  # The server finishes the call: OK.
                        pass
                    return 0
                payload = line.rstrip("\n")
                sequence = session.send(payload)
                unanswered.append((sequence, payload))
                next_sequence = sequence + 1
        except SluiceError as error:
            session.cancel()
            if eof and not unanswered:
                return 0  # Every request was answered; only the call's ending failed.
            if error.code not in RETRYABLE:
                log(f"session failed: {error}")
                return 1
            if not wait_before_retry(backoff, str(error)):
                return 1


def resumable_generate(client: Client, model: str, prompt: str, session_id: str | None,
                       drop_after: int) -> int:
    """Prints one generation as running text, resuming it after lost calls."""
    def on_reconnect(error: SluiceError, delay: float) -> None:
        log(f"\nlost the call ({error}); resuming after token {generation.last_sequence} "
            f"in {delay:.2f} s")

    generation = client.generate_resumable(model, prompt, session_id=session_id,
                                           on_reconnect=on_reconnect)
    try:
        with generation:
            for response in generation:
                print(response.payload.decode(errors="replace"),
                      end="\n" if response.final else "", flush=True)
                if response.sequence == drop_after:
                    generation.drop_call_for_test()
    except SluiceError as error:
        log(f"\ngenerate failed: {error}")
        return 1
    log(f"session {generation.session_id}: {generation.last_sequence} responses, "
        f"{generation.reconnects} resume(s)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", default="127.0.0.1:50051", help="sluiced's HOST:PORT")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("demo", help="one call of each RPC kind")
    generate = commands.add_parser("generate", help="a generation that resumes after lost calls")
    generate.add_argument("--model", default="tokens")
    generate.add_argument("--prompt", default="Once upon a time")
    generate.add_argument("--session", help="the session id (default: a random one)")
    generate.add_argument("--drop-after", type=int, default=0, metavar="N",
                          help="cancel the call after N tokens to show a resume")
    session = commands.add_parser("session", help="a bidi session from stdin that reconnects")
    session.add_argument("--model", default="echo")
    args = parser.parse_args()

    if args.command == "generate":
        with Client(args.target, timeout=None, options=RECONNECT_CHANNEL_OPTIONS) as client:
            return resumable_generate(client, args.model, args.prompt, args.session,
                                      args.drop_after)
    if args.command == "session":
        with Client(args.target, options=RECONNECT_CHANNEL_OPTIONS) as client:
            return resilient_session(client, args.model, sys.stdin, Backoff())
    with Client(args.target) as client:
        return demo(client)


if __name__ == "__main__":
    sys.exit(main())
