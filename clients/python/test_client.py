#!/usr/bin/env python3
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
"""End-to-end test of the Python client against a real sluiced.

Starts sluiced on 127.0.0.1 port 0 (synchronising on its first stdout line),
drives all four RPC kinds, the error paths and both examples, then stops the
server with SIGTERM and checks that it exits 0.

Usage: test_client.py --sluiced PATH  (the stubs must be importable, or
generatable: see run_test.sh, which CTest runs).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import unittest

import grpc

from sluice_client import Client, SluiceError, is_retryable, response_error

HERE = os.path.dirname(os.path.abspath(__file__))
SLUICED = ""
SERVER = None  # The server most tests share; started in main().


class Sluiced:
    """A sluiced child process. The constructor returns once it listens."""

    def __init__(self, binary: str, listen: str = "127.0.0.1:0", *extra: str):
        self.proc = subprocess.Popen(
            [binary, "--listen", listen, "--metrics_address", "",
             "--tokens_per_second", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first_line = self.proc.stdout.readline()  # Blocks until it listens (or dies).
        self.stderr: list[str] = []
        self._readers = [threading.Thread(target=self._drain, args=(stream, sink), daemon=True)
                         for stream, sink in ((self.proc.stdout, None),
                                              (self.proc.stderr, self.stderr))]
        for reader in self._readers:
            reader.start()
        match = re.search(r"listening on (127\.0\.0\.1:\d+)", first_line)
        if not match:
            self.proc.kill()
            self.proc.wait()
            for reader in self._readers:
                reader.join(timeout=5)
            raise RuntimeError(f"sluiced did not start: {first_line!r} {''.join(self.stderr)}")
        self.target = match.group(1)

    @staticmethod
    def _drain(stream, sink) -> None:
        for line in stream:
            if sink is not None:
                sink.append(line)

    def stop(self) -> int:
        """SIGTERM, then the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=60)
        finally:
            for reader in self._readers:
                reader.join(timeout=5)

    def stderr_text(self) -> str:
        return f"sluiced {self.target} stderr: {''.join(self.stderr)}"

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class ClientTestCase(unittest.TestCase):
    def setUp(self) -> None:
        self.client = Client(SERVER.target, timeout=30)

    def tearDown(self) -> None:
        self.client.close()

    def served(self, call, method: str):
        """Runs call(); skips the test if the server does not serve `method` yet."""
        try:
            return call()
        except SluiceError as error:
            if error.code == grpc.StatusCode.UNIMPLEMENTED:
                self.skipTest(f"sluiced does not serve {method} yet ({error})")
            raise


class StreamTest(ClientTestCase):
    """Bidirectional streaming."""

    def test_thousand_echoes_arrive_in_order(self) -> None:
        count = 1000
        with self.client.stream("echo", stream_id="py-echo", timeout=60) as session:
            def send_all() -> None:
                for i in range(1, count + 1):
                    session.send(f"m{i}", {"i": i})
                session.close_send()

            sender = threading.Thread(target=send_all)
            sender.start()
            responses = list(session)
            sender.join()
        self.assertEqual(len(responses), count)
        for i, response in enumerate(responses, start=1):
            self.assertIsNone(response_error(response))
            self.assertEqual(response.payload, f"m{i}".encode())
            self.assertEqual(response.parameters["i"], str(i))
            self.assertEqual(response.sequence, i)
            self.assertEqual(response.request_sequence, i)
            self.assertEqual(response.timestamp, i - 1)
            self.assertEqual(response.stream_id, "py-echo")
            self.assertEqual(response.model, "echo")
            self.assertTrue(response.final)

    def test_tokens_on_a_session_end_with_final(self) -> None:
        with self.client.stream("tokens", timeout=30) as session:
            session.send("hello", {"max_tokens": 4})
            session.close_send()
            responses = list(session)
        self.assertEqual([r.final for r in responses], [False, False, False, True])
        self.assertEqual({r.request_sequence for r in responses}, {1})

    def test_unknown_model_is_not_found_and_named(self) -> None:
        with self.client.stream("no-such-model", timeout=10) as session:
            session.send("x")
            with self.assertRaises(SluiceError) as caught:
                list(session)
        self.assertEqual(caught.exception.code, grpc.StatusCode.NOT_FOUND)
        self.assertIn("no-such-model", caught.exception.message)
        self.assertEqual(caught.exception.method, "Stream")

    def test_other_model_later_gets_an_error_response_and_the_stream_goes_on(self) -> None:
        with self.client.stream("echo", timeout=10) as session:
            session.send("first")
            self.assertEqual(next(session).payload, b"first")
            session.model = "tokens"  # Requests name their model; this one is wrong.
            session.send("second")
            failure = response_error(next(session))
            self.assertIsNotNone(failure)
            self.assertEqual(failure.code, grpc.StatusCode.INVALID_ARGUMENT)
            session.model = "echo"
            session.send("third")
            self.assertEqual(next(session).payload, b"third")
            session.close_send()
            self.assertIsNone(session.recv())

    def test_deadline_is_exceeded(self) -> None:
        with self.client.stream("tokens", timeout=0.5) as session:
            session.send("slow", {"max_tokens": 100, "tokens_per_second": 2})
            received = []
            with self.assertRaises(SluiceError) as caught:
                for response in session:
                    received.append(response)
        self.assertEqual(caught.exception.code, grpc.StatusCode.DEADLINE_EXCEEDED)
        self.assertLess(len(received), 100)

    def test_send_after_close_send_is_refused(self) -> None:
        with self.client.stream("echo", timeout=10) as session:
            session.close_send()
            with self.assertRaises(SluiceError) as caught:
                session.send("late")
        self.assertEqual(caught.exception.code, grpc.StatusCode.FAILED_PRECONDITION)


class InferTest(ClientTestCase):
    """Unary."""

    def test_echo_answers_with_the_payload(self) -> None:
        response = self.served(lambda: self.client.infer("echo", "ping", {"k": "v"}, timeout=10),
                               "Infer")
        self.assertEqual(response.payload, b"ping")
        self.assertEqual(response.parameters["k"], "v")
        self.assertEqual(response.model, "echo")
        self.assertEqual(response.request_sequence, 1)
        self.assertTrue(response.final)

    def test_unknown_model_is_not_found_and_named(self) -> None:
        with self.assertRaises(SluiceError) as caught:
            self.served(lambda: self.client.infer("no-such-model", "x", timeout=10), "Infer")
        self.assertEqual(caught.exception.code, grpc.StatusCode.NOT_FOUND)
        self.assertIn("no-such-model", caught.exception.message)
        self.assertEqual(caught.exception.method, "Infer")


class GenerateTest(ClientTestCase):
    """Server streaming."""

    def test_tokens_stream_ends_with_a_final_marker(self) -> None:
        responses = self.served(
            lambda: list(self.client.generate("tokens", "hello", {"max_tokens": 5}, timeout=10)),
            "Generate")
        self.assertEqual(len(responses), 5)
        self.assertEqual([r.final for r in responses], [False] * 4 + [True])
        self.assertEqual([r.sequence for r in responses], [1, 2, 3, 4, 5])
        self.assertEqual({r.request_sequence for r in responses}, {1})
        self.assertEqual([r.parameters["token_index"] for r in responses],
                         ["0", "1", "2", "3", "4"])
        self.assertTrue(all(r.payload for r in responses))

    def test_deadline_is_exceeded(self) -> None:
        received = []

        def run():
            for response in self.client.generate("tokens", "slow", {"max_tokens": 100,
                                                                    "tokens_per_second": 2},
                                                 timeout=0.5):
                received.append(response)

        with self.assertRaises(SluiceError) as caught:
            self.served(run, "Generate")
        self.assertEqual(caught.exception.code, grpc.StatusCode.DEADLINE_EXCEEDED)
        self.assertLess(len(received), 100)

    def test_unknown_model_is_not_found_and_named(self) -> None:
        with self.assertRaises(SluiceError) as caught:
            self.served(lambda: list(self.client.generate("no-such-model", "x", timeout=10)),
                        "Generate")
        self.assertEqual(caught.exception.code, grpc.StatusCode.NOT_FOUND)
        self.assertIn("no-such-model", caught.exception.message)


class ResumeTest(ClientTestCase):
    """Generate in a resumable session, across lost calls."""

    def test_generation_resumed_after_lost_calls_yields_every_token_once(self) -> None:
        count = 300
        reconnects = []
        generation = self.client.generate_resumable(
            "tokens", "Once upon a time", {"max_tokens": count}, session_id="py-resume-tokens",
            initial_backoff=0.01, on_reconnect=lambda error, delay: reconnects.append(error))
        responses = []
        with generation:
            for response in generation:
                responses.append(response)
                # Lost twice: the server holds the session for a resume.
                if len(responses) in (40, 170):
                    generation.drop_call_for_test()
        self.assertEqual([r.parameters["token_index"] for r in responses],
                         [str(i) for i in range(count)])
        self.assertEqual([r.sequence for r in responses], list(range(1, count + 1)))
        self.assertEqual([r.final for r in responses], [False] * (count - 1) + [True])
        self.assertEqual(generation.reconnects, 2)
        self.assertEqual(generation.last_sequence, count)
        self.assertEqual([e.code for e in reconnects], [grpc.StatusCode.CANCELLED] * 2)
        self.assertTrue(all(is_retryable(e) for e in reconnects))

    def test_session_id_in_use_is_raised_without_reconnecting(self) -> None:
        slow = self.client.generate_resumable("tokens", "slow", {"max_tokens": 1000,
                                                                 "tokens_per_second": 5},
                                              session_id="py-resume-taken")
        with slow:
            next(slow)  # The session is open now.
            second = self.client.generate_resumable("tokens", "again",
                                                    session_id="py-resume-taken")
            with self.assertRaises(SluiceError) as caught:
                next(second)
        self.assertEqual(caught.exception.code, grpc.StatusCode.ALREADY_EXISTS)
        self.assertIn("py-resume-taken", caught.exception.message)
        self.assertEqual(second.reconnects, 0)

    def test_unknown_model_is_raised_without_reconnecting(self) -> None:
        generation = self.client.generate_resumable("no-such-model", "x")
        with self.assertRaises(SluiceError) as caught:
            list(generation)
        self.assertEqual(caught.exception.code, grpc.StatusCode.NOT_FOUND)
        self.assertIn("no-such-model", caught.exception.message)
        self.assertEqual(generation.reconnects, 0)

    def test_unreachable_server_gives_up_after_max_retries(self) -> None:
        with socket.socket() as probe:  # Bound, not listening: connecting is refused.
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
            with Client(f"127.0.0.1:{port}") as client:
                generation = client.generate_resumable("tokens", "x", max_retries=2,
                                                       initial_backoff=0.01)
                with self.assertRaises(SluiceError) as caught:
                    list(generation)
        self.assertEqual(caught.exception.code, grpc.StatusCode.UNAVAILABLE)
        self.assertEqual(generation.reconnects, 2)


class IngestTest(ClientTestCase):
    """Client streaming."""

    def test_sensor_readings_get_one_summary(self) -> None:
        # sensor_id,time,temperature,humidity,pressure,vibration (docs/models.md)
        readings = ["s1,0,20,50,1000,0.1", "s2,1,10,40,990,0.2", "s1,2,22,52,1001,0.1",
                    "s2,3,30,44,995,0.4", "s1,4,24,54,1002,0.1"]
        try:
            response = self.client.ingest("sensors", readings, timeout=10)
        except SluiceError as error:
            # Without the server method or the model, the status must say so.
            self.assertIn(error.code, (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.NOT_FOUND))
            self.assertIn("Ingest" if error.code == grpc.StatusCode.UNIMPLEMENTED else "sensors",
                          error.message)
            self.skipTest(f"no sensors summary to check: {error}")
        self.assertTrue(response.final)
        self.assertEqual(response.parameters["count"], "5")
        self.assertEqual(response.parameters["sensors"], "2")
        summary = {line["sensor_id"]: line
                   for line in map(json.loads, response.payload.decode().splitlines())}
        self.assertEqual(sorted(summary), ["s1", "s2"])
        self.assertEqual(summary["s1"]["count"], 3)
        self.assertEqual(summary["s1"]["temperature"], {"min": 20, "max": 24, "mean": 22})
        self.assertEqual(summary["s2"]["count"], 2)
        self.assertEqual(summary["s2"]["temperature"], {"min": 10, "max": 30, "mean": 20})

    def test_a_bad_reading_fails_the_call_with_a_clear_status(self) -> None:
        try:
            self.client.ingest("sensors", ["s1,0,20,50,1000,0.1", "not a reading"], timeout=10)
        except SluiceError as error:
            if error.code in (grpc.StatusCode.UNIMPLEMENTED, grpc.StatusCode.NOT_FOUND):
                self.skipTest(f"no sensors model to check: {error}")
            self.assertEqual(error.code, grpc.StatusCode.INVALID_ARGUMENT)
            self.assertIn("sensor_id,time,temperature", error.message)
            return
        self.fail("a bad reading was accepted")


class ConnectionTest(unittest.TestCase):
    def test_unreachable_server_is_unavailable(self) -> None:
        with socket.socket() as probe:  # A port that nothing listens on once closed.
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with Client(f"127.0.0.1:{port}") as client:
            with client.stream("echo", timeout=10) as session:
                session.send("x")
                with self.assertRaises(SluiceError) as caught:
                    list(session)
        self.assertEqual(caught.exception.code, grpc.StatusCode.UNAVAILABLE)
        self.assertIn(f"127.0.0.1:{port}", str(caught.exception))


class ExampleTest(unittest.TestCase):
    def run_example(self, *args: str, **kwargs) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, os.path.join(HERE, "example.py"), *args],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                **kwargs)

    def test_demo_runs_every_kind(self) -> None:
        example = self.run_example("--target", SERVER.target, "demo")
        output, _ = example.communicate(timeout=60)
        for line in ("#1 one", "#2 two", "#3 three"):
            self.assertIn(line, output)
        if "UNIMPLEMENTED" not in output and "NOT_FOUND" not in output:
            self.assertEqual(example.returncode, 0, output)

    def test_generate_resumes_a_dropped_tokens_call(self) -> None:
        example = self.run_example("--target", SERVER.target, "generate", "--model", "tokens",
                                   "--session", "py-example-tokens", "--drop-after", "5")
        output, _ = example.communicate(timeout=60)
        self.assertEqual(example.returncode, 0, output)
        self.assertIn("resuming after token 5 in ", output)
        self.assertIn("session py-example-tokens: 16 responses, 1 resume(s)", output)

    def test_session_reconnects_after_a_server_restart(self) -> None:
        first = Sluiced(SLUICED, "127.0.0.1:0", "--drain_seconds", "0")
        second = None
        example = self.run_example("--target", first.target, "session", "--model", "echo",
                                   stdin=subprocess.PIPE)
        seen: list[str] = []
        lines: "queue.Queue[str | None]" = queue.Queue()

        def read_lines() -> None:
            for output_line in example.stdout:
                lines.put(output_line)
            lines.put(None)

        threading.Thread(target=read_lines, daemon=True).start()

        def next_line() -> str | None:
            # A bound instead of a sleep: a hang fails with what was seen.
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                servers = "".join(s.stderr_text() for s in (first, second) if s is not None)
                self.fail(f"example.py printed nothing for 60 s after {seen!r}; {servers}")
            seen.append(line)
            return line

        def say(line: str) -> None:
            example.stdin.write(line + "\n")
            example.stdin.flush()

        try:
            for word in ("a1", "a2", "a3"):
                say(word)
                self.assertEqual(next_line(), word + "\n")
            self.assertEqual(first.stop(), 0)
            say("b1")  # Sent into a dead connection: must be retried.
            line = next_line()
            self.assertTrue(line.startswith("reconnect: attempt 1 "), line)
            self.assertIn("UNAVAILABLE", line)
            second = Sluiced(SLUICED, first.target)
            while line.startswith("reconnect: "):
                line = next_line()
            self.assertTrue(line.startswith("reconnected: "), line)
            self.assertIn("resent 1 request(s)", line)
            self.assertEqual(next_line(), "b1\n")
            say("b2")
            self.assertEqual(next_line(), "b2\n")
            example.stdin.close()
            self.assertIsNone(next_line(), "output after the last answer")
            self.assertEqual(example.wait(timeout=30), 0)
            self.assertEqual(second.stop(), 0)
        finally:
            example.kill()
            example.wait()
            for server in (first, second):
                if server is not None:
                    server.kill()


def main() -> int:
    global SLUICED, SERVER
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluiced", required=True)
    args, rest = parser.parse_known_args()
    SLUICED = args.sluiced
    SERVER = Sluiced(SLUICED, "127.0.0.1:0", "--drain_seconds", "5")
    print(f"sluiced at {SERVER.target}", flush=True)
    try:
        suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
        if rest:
            suite = unittest.defaultTestLoader.loadTestsFromNames(rest, sys.modules[__name__])
        result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
        status = SERVER.stop()
    finally:
        SERVER.kill()
    stop_ok = status == 0
    if not stop_ok:
        print(f"FAIL: sluiced exited {status} on SIGTERM\n{''.join(SERVER.stderr)}")
    failed = len(result.failures) + len(result.errors) + (0 if stop_ok else 1)
    skipped = len(result.skipped)
    passed = result.testsRun - len(result.failures) - len(result.errors) - skipped + stop_ok
    for test, reason in result.skipped:
        print(f"skipped {test.id()}: {reason}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
