#!/usr/bin/env node
// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// node_echo_server: a peer for sluice_stream_bench, on Node's @grpc/grpc-js. Serves
// sluice.v1.Inference as bench/bare_echo_server.cc does: Stream and Infer echo,
// Generate streams the requested "size_bytes" in "chunk_bytes" chunks from a
// pre-generated random buffer, SHA-256-hashed (the last chunk carries the digest),
// Ingest counts the readings and their bytes and answers once. The service is loaded
// from --proto-dir with @grpc/proto-loader; both packages come from --node-modules
// (the Node client's pinned versions, installed by the build). Prints
// "node_echo_server listening on HOST:PORT" once serving; exits 0 on SIGINT/SIGTERM.
'use strict';

const crypto = require('crypto');
const path = require('path');

const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
const BLOB_SOURCE_BYTES = 64 << 20;
const MAX_BLOB_BYTES = 1 << 30;
const MAX_CHUNK_BYTES = 4 << 20;

function parseArgs(argv) {
  const args = {
    listen: '127.0.0.1:0',
    protoDir: path.join(__dirname, '..', '..', 'proto'),
    nodeModules: '',
  };
  const names = {'--listen': 'listen', '--proto-dir': 'protoDir', '--node-modules': 'nodeModules'};
  for (let i = 0; i < argv.length; ++i) {
    let [name, value] = argv[i].split(/=(.*)/s, 2);
    if (!(name in names)) {
      process.stderr.write(
          'usage: node_echo_server.js [--listen HOST:PORT] [--proto-dir DIR] ' +
          '[--node-modules DIR]\n');
      process.exit(name === '--help' ? 0 : 2);
    }
    if (value === undefined) value = argv[++i];
    args[names[name]] = value;
  }
  return args;
}

// Parameter `name` as an integer in [1, limit], `fallback` if absent, else null.
function sizeParameter(request, name, fallback, limit) {
  const text = (request.parameters || {})[name];
  if (text === undefined) return fallback;
  if (!/^[0-9]+$/.test(text)) return null;
  const value = Number(text);
  return value >= 1 && value <= limit ? value : null;
}

function echoOf(request, sequence) {
  return {
    stream_id: request.stream_id,
    sequence,
    request_sequence: request.sequence,
    model: request.model,
    payload: request.payload,
    final: true,
  };
}

function makeHandlers(grpc) {
  let blobSource = null;  // Built on the first Generate call, then shared.

  return {
    Stream(call) {
      let sequence = 0;
      call.on('data', (request) => {
        // Stop reading while the responses wait on flow control, as bare does.
        if (!call.write(echoOf(request, ++sequence))) {
          call.pause();
          call.once('drain', () => call.resume());
        }
      });
      call.on('end', () => call.end());
      call.on('error', () => {});  // Cancelled by the client: nothing to answer.
    },

    Infer(call, callback) {
      callback(null, echoOf(call.request, 1));
    },

    async Generate(call) {
      const request = call.request;
      const size = sizeParameter(request, 'size_bytes', 8 << 20, MAX_BLOB_BYTES);
      const chunk = sizeParameter(request, 'chunk_bytes', 1 << 20, MAX_CHUNK_BYTES);
      if (size === null || chunk === null) {
        call.emit('error', {
          code: grpc.status.INVALID_ARGUMENT,
          details: 'size_bytes and chunk_bytes must be integers in [1, 1 GiB] and [1, 4 MiB]',
        });
        return;
      }
      if (blobSource === null) blobSource = crypto.randomBytes(BLOB_SOURCE_BYTES);
      let cancelled = false;
      call.on('cancelled', () => { cancelled = true; });
      call.on('error', () => { cancelled = true; });
      const totalChunks = Math.ceil(size / chunk);
      const digest = crypto.createHash('sha256');
      for (let index = 0; index < totalChunks && !cancelled; ++index) {
        const offset = index * chunk;
        const length = Math.min(chunk, size - offset);
        const start = offset % blobSource.length;
        let payload = Buffer.from(blobSource.subarray(start, start + length));  // One copy.
        if (payload.length < length) {  // The source wraps.
          payload = Buffer.concat([payload, blobSource.subarray(0, length - payload.length)]);
        }
        digest.update(payload);
        const last = index + 1 === totalChunks;
        const parameters = {
          chunk_index: String(index),
          total_chunks: String(totalChunks),
          offset: String(offset),
          size_bytes: String(size),
        };
        if (last) parameters.sha256 = digest.digest('hex');
        const more = call.write({
          stream_id: request.stream_id,
          sequence: index + 1,
          request_sequence: request.sequence,
          model: request.model,
          parameters,
          payload,
          final: last,
        });
        if (!more && !last) {
          await new Promise((resolve) => {
            const done = () => {
              call.off('drain', done);
              call.off('cancelled', done);
              resolve();
            };
            call.on('drain', done);
            call.on('cancelled', done);
          });
        }
      }
      if (!cancelled) call.end();
    },

    Ingest(call, callback) {
      const response = {sequence: 1, final: true, parameters: {}};
      let count = 0;
      let sizeBytes = 0;
      call.on('data', (request) => {
        if (count === 0) {
          response.stream_id = request.stream_id;
          response.model = request.model;
        }
        ++count;
        sizeBytes += request.payload.length;
        response.request_sequence = request.sequence;
      });
      call.on('end', () => {
        response.parameters.count = String(count);
        response.parameters.size_bytes = String(sizeBytes);
        callback(null, response);
      });
      call.on('error', () => {});
    },
  };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const colon = args.listen.lastIndexOf(':');
  if (colon < 0) {
    process.stderr.write(`node_echo_server: --listen wants HOST:PORT, got '${args.listen}'\n`);
    process.exit(2);
  }
  const from = (name) => args.nodeModules ? path.join(path.resolve(args.nodeModules), name) : name;
  const grpc = require(from('@grpc/grpc-js'));
  const protoLoader = require(from('@grpc/proto-loader'));
  const definition = protoLoader.loadSync('sluice/v1/inference.proto', {
    includeDirs: [path.resolve(args.protoDir)],
    keepCase: true,  // Fields keep their proto names: stream_id, request_sequence.
    longs: Number,   // sequence as a number (exact below 2^53).
    defaults: false,
    oneofs: true,
  });
  const service = grpc.loadPackageDefinition(definition).sluice.v1.Inference.service;
  const server = new grpc.Server({
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  });
  server.addService(service, makeHandlers(grpc));
  server.bindAsync(args.listen, grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) {
      process.stderr.write(`node_echo_server: cannot listen on ${args.listen}: ${error.message}\n`);
      process.exit(1);
    }
    // Before grpc-js 1.10 a bound server serves only after start().
    const [major, minor] = require(from('@grpc/grpc-js/package.json')).version.split('.').map(Number);
    if (major === 1 && minor < 10) server.start();
    process.stdout.write(`node_echo_server listening on ${args.listen.slice(0, colon)}:${port}\n`);
  });
  const stop = () => {
    setTimeout(() => {
      server.forceShutdown();
      process.exit(0);
    }, 2000).unref();
    server.tryShutdown(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main();
