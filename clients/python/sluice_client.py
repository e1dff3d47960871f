# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
"""A Python client for Sluice's sluice.v1.Inference service (grpcio).

Client holds one channel and offers the four RPC kinds: infer (unary),
generate (server streaming), ingest (client streaming) and stream
(bidirectional, returns a Session). Failures raise SluiceError, which carries
the canonical status code and the server's message.

The generated stubs (sluice/v1/inference_pb2*.py) are imported from sys.path.
When they are not there, they are generated once per process from the
repository's proto/ (or $SLUICE_PROTO_DIR) with grpc_tools into a temporary
directory; the stubs are never written into the source tree.

Client.generate_resumable opens Generate as a resumable session: when the
call is lost it reconnects with backoff and resumes, yielding every response
exactly once (docs/resilience.md).

Thread safety: a Client may be shared by threads. A Session may be fed by one
thread (send, close_send) while another reads it. A ResumableGeneration is
read by one thread.
"""

from __future__ import annotations

import atexit
import importlib
import os
import queue
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from typing import Callable, Iterable, Iterator, Mapping, Optional, Tuple, Union

import grpc

__all__ = [
    "Client",
    "ResumableGeneration",
    "Session",
    "SluiceError",
    "inference_pb2",
    "is_retryable",
    "load_stubs",
    "make_request",
    "response_error",
]

Payload = Union[bytes, str]
Parameters = Optional[Mapping[str, object]]

# Calls other than a bidi session get this deadline unless told otherwise.
DEFAULT_TIMEOUT_SECONDS = 30.0


def _default_proto_dir() -> str:
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("SLUICE_PROTO_DIR", os.path.join(here, "..", "..", "proto"))


def load_stubs(proto_dir: Optional[str] = None):
    """Returns the generated (inference_pb2, inference_pb2_grpc) modules.

    Imports them from sys.path, or generates them from proto_dir into a
    temporary directory (removed at exit) when they are not importable.
    """
    try:
        return (importlib.import_module("sluice.v1.inference_pb2"),
                importlib.import_module("sluice.v1.inference_pb2_grpc"))
    except ImportError:
        pass
    from grpc_tools import protoc  # Debian: python3-grpc-tools.

    proto_dir = os.path.abspath(proto_dir or _default_proto_dir())
    proto_file = os.path.join(proto_dir, "sluice", "v1", "inference.proto")
    if not os.path.isfile(proto_file):
        raise ImportError(f"no generated sluice stubs on sys.path and no {proto_file} to "
                          "generate them from (set SLUICE_PROTO_DIR)")
    out_dir = tempfile.mkdtemp(prefix="sluice-py-stubs-")
    atexit.register(shutil.rmtree, out_dir, True)
    status = protoc.main(["grpc_tools.protoc", f"-I{proto_dir}", f"--python_out={out_dir}",
                          f"--grpc_python_out={out_dir}", proto_file])
    if status != 0:
        raise ImportError(f"grpc_tools.protoc failed ({status}) on {proto_file}")
    sys.path.insert(0, out_dir)
    importlib.invalidate_caches()
    return (importlib.import_module("sluice.v1.inference_pb2"),
            importlib.import_module("sluice.v1.inference_pb2_grpc"))


inference_pb2, inference_pb2_grpc = load_stubs()

_CODES_BY_NUMBER = {code.value[0]: code for code in grpc.StatusCode}


class SluiceError(Exception):
    """A failed call, or an error response, as a status code and a message.

    str(error) reads like "NOT_FOUND: model 'nope' is not served here; ...".
    `code` is a grpc.StatusCode; `method` names the RPC ("Infer", ...).
    """

    def __init__(self, code: grpc.StatusCode, message: str, *, method: str = "",
                 response=None):
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        self.method = method
        self.response = response  # The InferResponse, for an error response.

    @classmethod
    def from_rpc_error(cls, error: grpc.RpcError, method: str, target: str) -> "SluiceError":
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        message = error.details() if hasattr(error, "details") else str(error)
        if not message and code == grpc.StatusCode.UNIMPLEMENTED:
            message = f"{target} does not serve sluice.v1.Inference/{method}"
        elif not message:
            message = f"{target} gave no message for sluice.v1.Inference/{method}"
        elif code == grpc.StatusCode.UNAVAILABLE and "connect" in message.lower():
            message = f"cannot reach {target}: {message}"
        return cls(code, message, method=method)


def response_error(response) -> Optional[SluiceError]:
    """The SluiceError an error response carries, or None for a result."""
    if response.WhichOneof("result") != "error":
        return None
    code = _CODES_BY_NUMBER.get(response.error.code, grpc.StatusCode.UNKNOWN)
    return SluiceError(code, response.error.message, response=response)


def is_retryable(error: SluiceError) -> bool:
    """Whether the call was lost rather than answered, so that its session may
    be resumed on a new call: UNAVAILABLE, CANCELLED (when this client did not
    cancel it) and the INTERNAL "RST_STREAM" of a stream reset under it."""
    if error.code in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.CANCELLED):
        return True
    return error.code == grpc.StatusCode.INTERNAL and "RST_STREAM" in error.message


def _as_bytes(payload: Payload) -> bytes:
    return payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)


def make_request(model: str = "", payload: Payload = b"", parameters: Parameters = None, *,
                 sequence: int = 0, stream_id: str = "", version: str = ""):
    """Builds an InferRequest; parameter values are converted with str()."""
    request = inference_pb2.InferRequest(stream_id=stream_id, sequence=sequence, model=model,
                                         model_version=version, payload=_as_bytes(payload))
    for key, value in (parameters or {}).items():
        request.parameters[key] = str(value)
    return request


class Client:
    """A connection to one sluiced, e.g. Client("127.0.0.1:50051").

    timeout: the deadline in seconds for infer, generate and ingest when a call
    gives none (None: no deadline). Sessions have no deadline unless given one.
    options: grpc channel options, e.g. [("grpc.max_reconnect_backoff_ms", 2000)].
    Use as a context manager, or call close().
    """

    def __init__(self, target: str, *, timeout: Optional[float] = DEFAULT_TIMEOUT_SECONDS,
                 credentials: Optional[grpc.ChannelCredentials] = None,
                 options: Optional[list] = None, metadata: Optional[list] = None):
        self.target = target
        self.timeout = timeout
        self._metadata = metadata
        if credentials is None:
            self._channel = grpc.insecure_channel(target, options=options)
        else:
            self._channel = grpc.secure_channel(target, credentials, options=options)
        self._stub = inference_pb2_grpc.InferenceStub(self._channel)

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def wait_until_ready(self, timeout: float) -> bool:
        """Waits up to `timeout` seconds for the channel to connect; False if
        it did not. A call started before the channel is ready waits in the
        channel's queue with no bound of its own."""
        try:
            grpc.channel_ready_future(self._channel).result(timeout=timeout)
            return True
        except grpc.FutureTimeoutError:
            return False

    def close(self) -> None:
        self._channel.close()

    def _timeout(self, timeout: Optional[float]) -> Optional[float]:
        return self.timeout if timeout is None else timeout

    def _error(self, error: grpc.RpcError, method: str) -> SluiceError:
        return SluiceError.from_rpc_error(error, method, self.target)

    def infer(self, model: str, payload: Payload = b"", parameters: Parameters = None, *,
              version: str = "", stream_id: str = "", timeout: Optional[float] = None):
        """Unary: one request, one InferResponse. Raises SluiceError on a failed
        call and on an error response."""
        request = make_request(model, payload, parameters, sequence=1, stream_id=stream_id,
                               version=version)
        try:
            response = self._stub.Infer(request, timeout=self._timeout(timeout),
                                        metadata=self._metadata)
        except grpc.RpcError as error:
            raise self._error(error, "Infer") from None
        if (failure := response_error(response)) is not None:
            failure.method = "Infer"
            raise failure
        return response

    def generate(self, model: str, payload: Payload = b"", parameters: Parameters = None, *,
                 version: str = "", stream_id: str = "",
                 timeout: Optional[float] = None) -> Iterator:
        """Server streaming: one request, an iterator of InferResponses, the last
        one final. Raises SluiceError from the iterator on a failed call or an
        error response; closing the iterator early cancels the call."""
        request = make_request(model, payload, parameters, sequence=1, stream_id=stream_id,
                               version=version)
        call = self._stub.Generate(request, timeout=self._timeout(timeout),
                                   metadata=self._metadata)
        return self._generate(call)

    def _generate(self, call) -> Iterator:
        try:
            for response in call:
                if (failure := response_error(response)) is not None:
                    failure.method = "Generate"
                    raise failure
                yield response
        except grpc.RpcError as error:
            raise self._error(error, "Generate") from None
        finally:
            call.cancel()  # A no-op once the call has ended.

    def generate_resumable(self, model: str, payload: Payload = b"",
                           parameters: Parameters = None, *, session_id: Optional[str] = None,
                           max_retries: int = 10, initial_backoff: float = 0.1,
                           max_backoff: float = 5.0, version: str = "", stream_id: str = "",
                           timeout: Optional[float] = None,
                           on_reconnect: Optional[Callable[[SluiceError, float], None]] = None
                           ) -> "ResumableGeneration":
        """Generate in a resumable session (metadata sluice-session): an
        iterator of InferResponses that survives lost calls. After a retryable
        failure (see is_retryable) it waits (initial_backoff seconds, doubling
        with jitter up to max_backoff), resumes the session on a new call after
        the last response received, and goes on: every response is yielded
        exactly once, in order. It raises SluiceError after max_retries waits
        in a row without a response, on any other status (NOT_FOUND: the
        server no longer holds the session; OUT_OF_RANGE: it no longer holds
        what was missed), and on an error response. `timeout` covers all calls
        together (default: the client's). `on_reconnect(error, delay)` is
        called before each wait. The session id is random unless given."""
        request = make_request(model, payload, parameters, sequence=1, stream_id=stream_id,
                               version=version)
        return ResumableGeneration(
            self, request, session_id=session_id or f"py-{uuid.uuid4().hex}",
            max_retries=max_retries, initial_backoff=initial_backoff, max_backoff=max_backoff,
            timeout=self._timeout(timeout), on_reconnect=on_reconnect)

    def ingest(self, model: str, requests: Iterable[Union[Payload, Tuple[Payload, Parameters]]],
               *, version: str = "", stream_id: str = "", timeout: Optional[float] = None):
        """Client streaming: sends each item (a payload, a (payload, parameters)
        pair, or an InferRequest) and returns the single InferResponse. Raises
        SluiceError on a failed call or an error response."""

        def requests_iter():
            for sequence, item in enumerate(requests, start=1):
                if isinstance(item, inference_pb2.InferRequest):
                    yield item
                    continue
                payload, parameters = item if isinstance(item, tuple) else (item, None)
                yield make_request(model, payload, parameters, sequence=sequence,
                                   stream_id=stream_id, version=version)

        try:
            response = self._stub.Ingest(requests_iter(), timeout=self._timeout(timeout),
                                         metadata=self._metadata)
        except grpc.RpcError as error:
            raise self._error(error, "Ingest") from None
        if (failure := response_error(response)) is not None:
            failure.method = "Ingest"
            raise failure
        return response

    def stream(self, model: str, *, version: str = "", stream_id: Optional[str] = None,
               first_sequence: int = 1, timeout: Optional[float] = None) -> "Session":
        """Bidirectional: opens a Session on `model`. Only an explicit timeout
        sets a deadline, since sessions are long-lived."""
        return Session(self, model, version=version, stream_id=stream_id,
                       first_sequence=first_sequence, timeout=timeout)


class ResumableGeneration:
    """The responses of one Generate in a resumable session, made with
    Client.generate_resumable. Iterate it; `last_sequence` is the last response
    sequence received and `reconnects` counts the resumes so far. close() (or
    leaving it as a context manager) cancels the call and ends the iteration.
    Owned by its creator and read by one thread."""

    # The jitter of each wait: a factor in [1 - _JITTER, 1 + _JITTER], so that
    # clients that lost the same server do not all come back at once.
    _JITTER = 0.2

    def __init__(self, client: Client, request, *, session_id: str, max_retries: int,
                 initial_backoff: float, max_backoff: float, timeout: Optional[float],
                 on_reconnect: Optional[Callable[[SluiceError, float], None]]):
        self.session_id = session_id
        self.last_sequence = 0
        self.reconnects = 0
        self._client = client
        self._request = request
        self._max_retries = max_retries
        self._initial_backoff = initial_backoff
        self._max_backoff = max(max_backoff, initial_backoff)
        self._deadline = None if timeout is None else time.monotonic() + timeout
        self._on_reconnect = on_reconnect
        self._call = None
        self._closed = False
        self._responses = self._run()

    def __iter__(self) -> "ResumableGeneration":
        return self

    def __next__(self):
        return next(self._responses)

    def __enter__(self) -> "ResumableGeneration":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._closed = True
        if self._call is not None:
            self._call.cancel()
        self._responses.close()

    def drop_call_for_test(self) -> None:
        """Cancels the current call as a lost connection would: the server
        holds the session, and the iteration goes on by resuming it."""
        self._call.cancel()

    def _open(self, resume: bool) -> None:
        metadata = list(self._client._metadata or []) + [("sluice-session", self.session_id)]
        if resume:
            metadata.append(("sluice-resume-after", str(self.last_sequence)))
        timeout = None
        if self._deadline is not None:
            timeout = max(0.0, self._deadline - time.monotonic())
        # A resumed Generate carries the request again; the server ignores it.
        self._call = self._client._stub.Generate(self._request, timeout=timeout,
                                                 metadata=metadata)

    def _run(self) -> Iterator:
        resume = False
        received = False
        waits = 0  # Waits in a row without a response since.
        base_delay = self._initial_backoff
        while True:
            self._open(resume)
            try:
                for response in self._call:
                    if response.sequence <= self.last_sequence:
                        continue  # Received before; the server replays only after it.
                    self.last_sequence = response.sequence
                    received = True
                    waits, base_delay = 0, self._initial_backoff
                    if (failure := response_error(response)) is not None:
                        failure.method = "Generate"
                        raise failure
                    yield response
                return
            except grpc.RpcError as error:
                failure = self._client._error(error, "Generate")
            finally:
                self._call.cancel()  # A no-op once the call has ended.
            if self._closed:
                return
            if resume and not received and failure.code == grpc.StatusCode.NOT_FOUND:
                # Nothing ever came back, so the first call may not have reached
                # the server, which then has no session to resume: open it.
                resume = False
                continue
            if not is_retryable(failure) or waits >= self._max_retries:
                raise failure
            delay = min(self._max_backoff,
                        base_delay * random.uniform(1 - self._JITTER, 1 + self._JITTER))
            base_delay = min(self._max_backoff, base_delay * 2)
            if self._deadline is not None and time.monotonic() + delay >= self._deadline:
                raise failure
            waits += 1
            self.reconnects += 1
            if self._on_reconnect is not None:
                self._on_reconnect(failure, delay)
            time.sleep(delay)
            resume = True


_END = object()


class Session:
    """One bidirectional Stream call. send() queues a request and returns its
    sequence; iterating yields InferResponses in order, error responses
    included (the stream stays open after them: see response_error). A failed
    call raises SluiceError from the iterator. Owned by its creator; as a
    context manager it half-closes on exit and cancels the call if the server
    has not finished it."""

    def __init__(self, client: Client, model: str, *, version: str = "",
                 stream_id: Optional[str] = None, first_sequence: int = 1,
                 timeout: Optional[float] = None):
        self.model = model
        self.version = version
        self.stream_id = stream_id if stream_id is not None else uuid.uuid4().hex
        self.last_response_sequence = 0  # The server's sequence: where a resume starts.
        self._client = client
        self._next_sequence = first_sequence
        self._lock = threading.Lock()
        self._requests: "queue.Queue" = queue.Queue()
        self._closed = False
        self._call = client._stub.Stream(self._drain(), timeout=timeout,
                                         metadata=client._metadata)
        self._responses = iter(self._call)
        # Unblock the request iterator when the call ends, whoever ends it.
        self._call.add_done_callback(lambda _: self._requests.put(_END))

    def _drain(self):
        while (request := self._requests.get()) is not _END:
            yield request

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close_send()
        if self._call.is_active():
            self._call.cancel()  # Responses nobody will read: stop the model's work.

    def send(self, payload: Payload = b"", parameters: Parameters = None, *,
             sequence: Optional[int] = None) -> int:
        """Queues one request (every request names the model) and returns its
        sequence. It does not block: gRPC sends queued requests as HTTP/2 flow
        control allows, so a producer much faster than the server should pace
        itself on the responses. Raises SluiceError(FAILED_PRECONDITION) after
        close_send()."""
        with self._lock:
            if self._closed:
                raise SluiceError(grpc.StatusCode.FAILED_PRECONDITION,
                                  "send() after close_send() on this session", method="Stream")
            if sequence is None:
                sequence = self._next_sequence
            self._next_sequence = max(self._next_sequence, sequence + 1)
            self._requests.put(make_request(self.model, payload, parameters, sequence=sequence,
                                            stream_id=self.stream_id, version=self.version))
        return sequence

    def close_send(self) -> None:
        """Half-closes: no more requests; the responses still come."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._requests.put(_END)

    def cancel(self) -> None:
        self._call.cancel()

    def __iter__(self) -> "Session":
        return self

    def __next__(self):
        try:
            response = next(self._responses)
        except grpc.RpcError as error:
            raise self._client._error(error, "Stream") from None
        self.last_response_sequence = response.sequence
        return response

    def recv(self):
        """The next response, or None once the server has finished the call."""
        return next(self, None)
