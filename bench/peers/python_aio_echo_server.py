#!/usr/bin/env python3
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
"""python_aio_echo_server: a peer for sluice_stream_bench, in Python grpc.aio.

Serves sluice.v1.Inference as bench/bare_echo_server.cc does: Stream and Infer
echo, Generate streams the requested "size_bytes" in "chunk_bytes" chunks copied
from a pre-generated pseudo-random buffer and SHA-256-hashed (the last chunk carries
the digest), Ingest counts the readings and their bytes and answers once. The stubs
are generated from --proto-dir at start into a temporary directory, as
clients/python/run_test.sh does. Prints "python_aio_echo_server listening on
HOST:PORT" once serving; exits 0 on SIGINT or SIGTERM.
"""

import argparse
import asyncio
import hashlib
import importlib
import os
import random
import shutil
import signal
import sys
import tempfile

import grpc  # Debian: python3-grpcio.

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
BLOB_SOURCE_BYTES = 64 << 20
MAX_BLOB_BYTES = 1 << 30
MAX_CHUNK_BYTES = 4 << 20


def load_stubs(proto_dir, out_dir):
    """Generates and imports (inference_pb2, inference_pb2_grpc) from proto_dir."""
    from grpc_tools import protoc  # Debian: python3-grpc-tools.

    proto_file = os.path.join(proto_dir, "sluice", "v1", "inference.proto")
    status = protoc.main(["grpc_tools.protoc", f"-I{proto_dir}", f"--python_out={out_dir}",
                          f"--grpc_python_out={out_dir}", proto_file])
    if status != 0:
        raise SystemExit(f"python_aio_echo_server: grpc_tools.protoc failed ({status}) on "
                         f"{proto_file}")
    sys.path.insert(0, out_dir)
    importlib.invalidate_caches()
    return (importlib.import_module("sluice.v1.inference_pb2"),
            importlib.import_module("sluice.v1.inference_pb2_grpc"))


def size_parameter(request, name, fallback, limit):
    """Parameter `name` as an integer in [1, limit], fallback if absent, else None."""
    text = request.parameters.get(name)
    if text is None:
        return fallback
    if not text.isdigit():
        return None
    value = int(text)
    return value if 1 <= value <= limit else None


def make_servicer(pb2, pb2_grpc):
    """The servicer class, built once the stubs are imported."""
    blob_source = []  # Built on the first Generate call, then shared.

    class EchoServicer(pb2_grpc.InferenceServicer):
        async def Stream(self, request_iterator, context):
            sequence = 0
            async for request in request_iterator:
                sequence += 1
                yield pb2.InferResponse(stream_id=request.stream_id, sequence=sequence,
                                        request_sequence=request.sequence, model=request.model,
                                        payload=request.payload, final=True)

        async def Infer(self, request, context):
            return pb2.InferResponse(stream_id=request.stream_id, sequence=1,
                                     request_sequence=request.sequence, model=request.model,
                                     payload=request.payload, final=True)

        async def Generate(self, request, context):
            size = size_parameter(request, "size_bytes", 8 << 20, MAX_BLOB_BYTES)
            chunk = size_parameter(request, "chunk_bytes", 1 << 20, MAX_CHUNK_BYTES)
            if size is None or chunk is None:
                await context.abort(grpc.StatusCode.INVALID_ARGUMENT,
                                    "size_bytes and chunk_bytes must be integers in "
                                    "[1, 1 GiB] and [1, 4 MiB]")
            if not blob_source:
                blob_source.append(random.Random(0x9E3779B97F4A7C15).randbytes(BLOB_SOURCE_BYTES))
            source = blob_source[0]
            total_chunks = (size + chunk - 1) // chunk
            digest = hashlib.sha256()
            for index in range(total_chunks):
                offset = index * chunk
                length = min(chunk, size - offset)
                start = offset % len(source)
                payload = source[start:start + length]
                if len(payload) < length:  # The source wraps.
                    payload += source[:length - len(payload)]
                digest.update(payload)
                last = index + 1 == total_chunks
                parameters = {"chunk_index": str(index), "total_chunks": str(total_chunks),
                              "offset": str(offset), "size_bytes": str(size)}
                if last:
                    parameters["sha256"] = digest.hexdigest()
                yield pb2.InferResponse(stream_id=request.stream_id, sequence=index + 1,
                                        request_sequence=request.sequence, model=request.model,
                                        parameters=parameters, payload=payload, final=last)

        async def Ingest(self, request_iterator, context):
            response = pb2.InferResponse(sequence=1, final=True)
            count = 0
            size_bytes = 0
            async for request in request_iterator:
                if count == 0:
                    response.stream_id = request.stream_id
                    response.model = request.model
                count += 1
                size_bytes += len(request.payload)
                response.request_sequence = request.sequence
            response.parameters["count"] = str(count)
            response.parameters["size_bytes"] = str(size_bytes)
            return response

    return EchoServicer


async def serve(listen, pb2, pb2_grpc):
    server = grpc.aio.server(options=[("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
                                      ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES)])
    pb2_grpc.add_InferenceServicer_to_server(make_servicer(pb2, pb2_grpc)(), server)
    port = server.add_insecure_port(listen)
    if port == 0:
        print(f"python_aio_echo_server: cannot listen on {listen}", file=sys.stderr)
        return 1
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(number, stop.set)
    host = listen.rsplit(":", 1)[0]
    print(f"python_aio_echo_server listening on {host}:{port}", flush=True)
    await stop.wait()
    await server.stop(2)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listen", default="127.0.0.1:0",
                        help="HOST:PORT to serve on; port 0 picks a free port")
    parser.add_argument("--proto-dir",
                        default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                             "..", "proto"),
                        help="the directory holding sluice/v1/inference.proto")
    args = parser.parse_args()
    if ":" not in args.listen:
        parser.error(f"--listen wants HOST:PORT, got '{args.listen}'")
    out_dir = tempfile.mkdtemp(prefix="sluice-bench-py-stubs-")
    try:
        pb2, pb2_grpc = load_stubs(os.path.abspath(args.proto_dir), out_dir)
        return asyncio.run(serve(args.listen, pb2, pb2_grpc))
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
