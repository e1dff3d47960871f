// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// A Node client for Sluice's sluice.v1.Inference service (@grpc/grpc-js).
// Client holds one channel and offers the four RPC kinds: infer (unary),
// generate (server streaming), ingest (client streaming) and stream
// (bidirectional, returns a Session). Failures reject or throw SluiceError,
// which carries the canonical status code and the server's message.
//
// The service is loaded at run time from proto/ (the repository's, or
// $SLUICE_PROTO_DIR, or the protoDir option) with @grpc/proto-loader, so
// nothing is generated. Runs on Node 18 and later.
'use strict';

const crypto = require('node:crypto');
const path = require('node:path');

const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

// Calls other than a bidi session get this deadline unless told otherwise.
const DEFAULT_TIMEOUT_MS = 30000;

const STATUS_NAMES = Object.fromEntries(
  Object.entries(grpc.status).map(([name, code]) => [code, name]));

function defaultProtoDir() {
  return process.env.SLUICE_PROTO_DIR || path.join(__dirname, '..', '..', 'proto');
}

const services = new Map();  // protoDir -> the Inference service constructor

function loadService(protoDir) {
  let service = services.get(protoDir);
  if (!service) {
    const definition = protoLoader.loadSync('sluice/v1/inference.proto', {
      includeDirs: [protoDir],
      keepCase: true,  // Fields keep their proto names: stream_id, request_sequence.
      longs: Number,   // sequence and timestamp as numbers (exact below 2^53).
      defaults: true,
      oneofs: true,    // response.result is 'payload' or 'error'.
    });
    service = grpc.loadPackageDefinition(definition).sluice.v1.Inference;
    services.set(protoDir, service);
  }
  return service;
}

/** A failed call, or an error response: `code` (a grpc.status number),
 *  `codeName` ('NOT_FOUND'), `details` (the server's message), `method`. */
class SluiceError extends Error {
  constructor(code, details, { method = '', response = null } = {}) {
    const codeName = STATUS_NAMES[code] || `CODE_${code}`;
    super(`${codeName}: ${details}`);
    this.name = 'SluiceError';
    this.code = code;
    this.codeName = codeName;
    this.details = details;
    this.method = method;
    this.response = response;  // The InferResponse, for an error response.
  }

  static fromServiceError(error, method, target) {
    if (error instanceof SluiceError) return error;
    if (typeof error?.code !== 'number') return error;  // Not a gRPC status: ours to rethrow.
    let { details } = error;
    if (!details && error.code === grpc.status.UNIMPLEMENTED) {
      details = `${target} does not serve sluice.v1.Inference/${method}`;
    } else if (!details) {
      details = `${target} gave no message for sluice.v1.Inference/${method}`;
    } else if (error.code === grpc.status.UNAVAILABLE && /connect/i.test(details)) {
      details = `cannot reach ${target}: ${details}`;
    }
    return new SluiceError(error.code, details, { method });
  }
}

/** The SluiceError an error response carries, or null for a result. */
function responseError(response) {
  if (response.result !== 'error') return null;
  return new SluiceError(response.error.code, response.error.message, { response });
}

function toBuffer(payload) {
  if (payload === undefined || payload === null) return Buffer.alloc(0);
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
}

/** Builds an InferRequest; parameter values are converted with String(). */
function makeRequest(model, payload, parameters, { sequence = 0, streamId = '', version = '' } = {}) {
  const params = {};
  for (const [key, value] of Object.entries(parameters || {})) params[key] = String(value);
  return {
    stream_id: streamId,
    sequence,
    model,
    model_version: version,
    parameters: params,
    payload: toBuffer(payload),
  };
}

// Resolves once the call's write buffer drains, or the call has ended.
function drained(call) {
  if (!call.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('status', done);
      resolve();
    };
    call.on('drain', done);
    call.on('status', done);
  });
}

/**
 * A connection to one sluiced, e.g. new Client('127.0.0.1:50051').
 * Options: timeoutMs, the deadline of infer, generate and ingest when a call
 * gives none (null: no deadline); credentials (default insecure);
 * channelOptions (grpc-js channel options); metadata (an object of headers);
 * protoDir. Call close() when done.
 */
class Client {
  constructor(target, { timeoutMs = DEFAULT_TIMEOUT_MS, credentials, channelOptions = {},
    metadata = {}, protoDir = defaultProtoDir() } = {}) {
    const Inference = loadService(path.resolve(protoDir));
    this.target = target;
    this.timeoutMs = timeoutMs;
    this._stub = new Inference(target, credentials || grpc.credentials.createInsecure(),
      channelOptions);
    this._metadata = metadata;
  }

  close() {
    this._stub.close();
  }

  _callOptions(timeoutMs) {
    const ms = timeoutMs === undefined ? this.timeoutMs : timeoutMs;
    return ms === null || ms === undefined ? {} : { deadline: new Date(Date.now() + ms) };
  }

  _newMetadata() {
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(this._metadata)) metadata.set(key, String(value));
    return metadata;
  }

  _error(error, method) {
    return SluiceError.fromServiceError(error, method, this.target);
  }

  /** Unary: resolves to the one InferResponse. Rejects with SluiceError on a
   *  failed call and on an error response. */
  infer(model, payload, parameters, { version = '', streamId = '', timeoutMs } = {}) {
    const request = makeRequest(model, payload, parameters, { sequence: 1, streamId, version });
    return new Promise((resolve, reject) => {
      this._stub.Infer(request, this._newMetadata(), this._callOptions(timeoutMs),
        (error, response) => {
          if (error) return reject(this._error(error, 'Infer'));
          const failure = responseError(response);
          if (failure) {
            failure.method = 'Infer';
            return reject(failure);
          }
          return resolve(response);
        });
    });
  }

  /** Server streaming: an async iterable of InferResponses, the last one
   *  final. Throws SluiceError on a failed call or an error response; leaving
   *  the loop early cancels the call. */
  generate(model, payload, parameters, { version = '', streamId = '', timeoutMs } = {}) {
    const request = makeRequest(model, payload, parameters, { sequence: 1, streamId, version });
    const call = this._stub.Generate(request, this._newMetadata(), this._callOptions(timeoutMs));
    call.on('error', () => {});  // Thrown from the iterator instead.
    const client = this;
    return (async function* responses() {
      try {
        for await (const response of call) {
          const failure = responseError(response);
          if (failure) {
            failure.method = 'Generate';
            throw failure;
          }
          yield response;
        }
      } catch (error) {
        throw client._error(error, 'Generate');
      } finally {
        call.cancel();  // A no-op once the call has ended.
      }
    }());
  }

  /** Client streaming: sends each item of `requests` (an iterable or async
   *  iterable of payloads, [payload, parameters] pairs, or request objects
   *  with a `model`) and resolves to the single InferResponse. Rejects with
   *  SluiceError on a failed call or an error response. */
  ingest(model, requests, { version = '', streamId = '', timeoutMs } = {}) {
    return new Promise((resolve, reject) => {
      const call = this._stub.Ingest(this._newMetadata(), this._callOptions(timeoutMs),
        (error, response) => {
          if (error) return reject(this._error(error, 'Ingest'));
          const failure = responseError(response);
          if (failure) {
            failure.method = 'Ingest';
            return reject(failure);
          }
          return resolve(response);
        });
      (async () => {
        let sequence = 0;
        for await (const item of requests) {
          sequence += 1;
          let request;
          if (Array.isArray(item)) {
            request = makeRequest(model, item[0], item[1], { sequence, streamId, version });
          } else if (item && typeof item === 'object' && 'model' in item) {
            request = item;
          } else {
            request = makeRequest(model, item, null, { sequence, streamId, version });
          }
          if (!call.write(request)) await drained(call);
        }
        call.end();
      })().catch((error) => {
        call.cancel();
        reject(error);
      });
    });
  }

  /** Bidirectional: opens a Session on `model`. Only an explicit timeoutMs
   *  sets a deadline, since sessions are long-lived. */
  stream(model, { version = '', streamId, firstSequence = 1, timeoutMs = null } = {}) {
    const call = this._stub.Stream(this._newMetadata(), this._callOptions(timeoutMs));
    return new Session(this, call, model, { version, streamId, firstSequence });
  }
}

/**
 * One bidirectional Stream call. send() writes a request and returns its
 * sequence; `for await (const r of session)` (or recv()) yields the
 * InferResponses in order, error responses included: the stream stays open
 * after them (see responseError). A failed call throws SluiceError.
 */
class Session {
  constructor(client, call, model, { version, streamId, firstSequence }) {
    this.model = model;
    this.version = version;
    this.streamId = streamId === undefined ? crypto.randomUUID().replace(/-/g, '') : streamId;
    this.lastResponseSequence = 0;  // The server's sequence: where a resume starts.
    this._client = client;
    this._call = call;
    this._nextSequence = firstSequence;
    this._closed = false;
    this._responses = null;
    // The call's status reaches the reader through recv(); without a reader
    // (e.g. after cancel()) an 'error' event must not crash the process.
    call.on('error', () => {});
  }

  /** Writes one request (every request names the model); returns its
   *  sequence. Throws SluiceError(FAILED_PRECONDITION) after closeSend(). */
  send(payload, parameters, { sequence } = {}) {
    if (this._closed) {
      throw new SluiceError(grpc.status.FAILED_PRECONDITION,
        'send() after closeSend() on this session', { method: 'Stream' });
    }
    const seq = sequence === undefined ? this._nextSequence : sequence;
    this._nextSequence = Math.max(this._nextSequence, seq + 1);
    this._call.write(makeRequest(this.model, payload, parameters,
      { sequence: seq, streamId: this.streamId, version: this.version }));
    return seq;
  }

  /** Resolves when the write buffer has room again: await it between sends
   *  to let HTTP/2 flow control pace a fast sender. */
  drained() {
    return drained(this._call);
  }

  /** Half-closes: no more requests; the responses still come. */
  closeSend() {
    if (!this._closed) {
      this._closed = true;
      this._call.end();
    }
  }

  cancel() {
    this._call.cancel();
  }

  /** The next response, or null once the server has finished the call. */
  async recv() {
    this._responses = this._responses || this._call[Symbol.asyncIterator]();
    let next;
    try {
      next = await this._responses.next();
    } catch (error) {
      throw this._client._error(error, 'Stream');
    }
    if (next.done) return null;
    this.lastResponseSequence = next.value.sequence;
    return next.value;
  }

  async* [Symbol.asyncIterator]() {
    try {
      for (let response = await this.recv(); response !== null; response = await this.recv()) {
        yield response;
      }
    } finally {
      if (this._call.readable) this._call.cancel();  // Left early: stop the model's work.
    }
  }
}

module.exports = {
  Client,
  DEFAULT_TIMEOUT_MS,
  Session,
  SluiceError,
  grpc,
  makeRequest,
  responseError,
};
