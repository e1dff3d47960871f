// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// End-to-end test of the Node client against a real sluiced (node:test, so
// it runs on Node 18 too). Starts sluiced on 127.0.0.1 port 0, synchronising
// on its first stdout line, drives all four RPC kinds, the error paths and
// the example, then stops the server with SIGTERM and checks that it exits 0.
//
//   node test_client.js --sluiced PATH   (or SLUICED=PATH; see run_test.sh)
'use strict';

const assert = require('node:assert/strict');
const { spawn, execFile } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');
const { after, before, describe, it } = require('node:test');

const { Client, SluiceError, grpc, responseError } = require('./sluice_client');

const argIndex = process.argv.indexOf('--sluiced');
const SLUICED = argIndex > 0 ? process.argv[argIndex + 1] : process.env.SLUICED;

/** Starts sluiced and resolves once it listens, with { proc, target, stderr }. */
function startSluiced(listen = '127.0.0.1:0', extra = []) {
  const proc = spawn(SLUICED, ['--listen', listen, '--metrics_address', '', '--tokens_per_second', '0', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { proc, target: null, stderr: '' };
  proc.stderr.on('data', (chunk) => { server.stderr += chunk; });
  // readline keeps consuming stdout after the first line, so it never fills.
  const lines = readline.createInterface({ input: proc.stdout });
  return new Promise((resolve, reject) => {
    const onExit = (code) => reject(new Error(`sluiced exited ${code}: ${server.stderr}`));
    proc.once('exit', onExit);
    proc.once('error', reject);
    lines.once('line', (line) => {
      proc.off('exit', onExit);
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(line);
      if (!match) {
        proc.kill('SIGKILL');
        reject(new Error(`unexpected first line: ${line}`));
        return;
      }
      server.target = match[1];
      resolve(server);
    });
  });
}

/** SIGTERM, then resolves to the exit code (null if killed by a signal). */
function stopSluiced(server) {
  return new Promise((resolve) => {
    if (server.proc.exitCode !== null) {
      resolve(server.proc.exitCode);
      return;
    }
    server.proc.once('exit', (code) => resolve(code));
    server.proc.kill('SIGTERM');
  });
}

// Resolves to the SluiceError that `promise` rejects with, which must have
// the status `code` ('NOT_FOUND'). An UNIMPLEMENTED one is rethrown for served().
async function rejectsWith(promise, code) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SluiceError, `not a SluiceError: ${error}`);
    if (error.codeName === 'UNIMPLEMENTED' && code !== 'UNIMPLEMENTED') throw error;
    assert.equal(error.codeName, code, error.message);
    return error;
  }
  throw new assert.AssertionError({ message: `expected ${code}, but the call succeeded` });
}

// Runs body; skips the test if the server does not serve the method yet.
async function served(t, method, body) {
  try {
    return await body();
  } catch (error) {
    if (error instanceof SluiceError && error.code === grpc.status.UNIMPLEMENTED) {
      t.skip(`sluiced does not serve ${method} yet (${error.message})`);
      return undefined;
    }
    throw error;
  }
}

async function collect(iterable) {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('sluice Node client', () => {
  let server;
  let client;

  before(async () => {
    assert.ok(SLUICED, 'pass --sluiced PATH or set SLUICED');
    server = await startSluiced('127.0.0.1:0', ['--drain_seconds', '5']);
    client = new Client(server.target);
  });

  after(() => {
    if (client) client.close();
    if (server && server.proc.exitCode === null) server.proc.kill('SIGKILL');
  });

  describe('Stream (bidirectional)', () => {
    it('echoes 1,000 requests in order', async () => {
      const count = 1000;
      const session = client.stream('echo', { streamId: 'node-echo', timeoutMs: 60000 });
      const sending = (async () => {
        for (let i = 1; i <= count; i++) {
          session.send(`m${i}`, { i });
          if (i % 64 === 0) await session.drained();
        }
        session.closeSend();
      })();
      const responses = await collect(session);
      await sending;
      assert.equal(responses.length, count);
      responses.forEach((response, index) => {
        const i = index + 1;
        assert.equal(responseError(response), null);
        assert.equal(response.payload.toString(), `m${i}`);
        assert.equal(response.parameters.i, String(i));
        assert.equal(response.sequence, i);
        assert.equal(response.request_sequence, i);
        assert.equal(response.timestamp, i - 1);
        assert.equal(response.stream_id, 'node-echo');
        assert.equal(response.model, 'echo');
        assert.equal(response.final, true);
      });
    });

    it('streams tokens for one request, the last final', async () => {
      const session = client.stream('tokens', { timeoutMs: 30000 });
      session.send('hello', { max_tokens: 4 });
      session.closeSend();
      const responses = await collect(session);
      assert.deepEqual(responses.map((r) => r.final), [false, false, false, true]);
      assert.deepEqual([...new Set(responses.map((r) => r.request_sequence))], [1]);
    });

    it('ends an unknown model with NOT_FOUND naming it', async () => {
      const session = client.stream('no-such-model', { timeoutMs: 10000 });
      session.send('x');
      const error = await rejectsWith(collect(session), 'NOT_FOUND');
      assert.match(error.details, /no-such-model/);
      assert.equal(error.method, 'Stream');
    });

    it('answers a later request for another model with an error response', async () => {
      const session = client.stream('echo', { timeoutMs: 10000 });
      session.send('first');
      assert.equal((await session.recv()).payload.toString(), 'first');
      session.model = 'tokens';
      session.send('second');
      const failure = responseError(await session.recv());
      assert.ok(failure);
      assert.equal(failure.codeName, 'INVALID_ARGUMENT');
      session.model = 'echo';
      session.send('third');
      assert.equal((await session.recv()).payload.toString(), 'third');
      session.closeSend();
      assert.equal(await session.recv(), null);
    });

    it('fails with DEADLINE_EXCEEDED when the deadline passes', async () => {
      const session = client.stream('tokens', { timeoutMs: 500 });
      session.send('slow', { max_tokens: 100, tokens_per_second: 2 });
      const received = [];
      await rejectsWith((async () => {
        for await (const response of session) received.push(response);
      })(), 'DEADLINE_EXCEEDED');
      assert.ok(received.length < 100);
    });

    it('refuses send() after closeSend()', () => {
      const session = client.stream('echo', { timeoutMs: 10000 });
      session.closeSend();
      assert.throws(() => session.send('late'), (error) => error.codeName === 'FAILED_PRECONDITION');
      session.cancel();
    });
  });

  describe('Infer (unary)', () => {
    it('answers echo with the payload', async (t) => {
      const response = await served(t, 'Infer',
        () => client.infer('echo', 'ping', { k: 'v' }, { timeoutMs: 10000 }));
      if (!response) return;
      assert.equal(response.payload.toString(), 'ping');
      assert.equal(response.parameters.k, 'v');
      assert.equal(response.model, 'echo');
      assert.equal(response.request_sequence, 1);
      assert.equal(response.final, true);
    });

    it('rejects an unknown model with NOT_FOUND naming it', async (t) => {
      const error = await served(t, 'Infer', () => rejectsWith(
        client.infer('no-such-model', 'x', {}, { timeoutMs: 10000 }), 'NOT_FOUND'));
      if (!error) return;
      assert.match(error.details, /no-such-model/);
      assert.equal(error.method, 'Infer');
    });
  });

  describe('Generate (server streaming)', () => {
    it('streams tokens ending with a final marker', async (t) => {
      const responses = await served(t, 'Generate',
        () => collect(client.generate('tokens', 'hello', { max_tokens: 5 }, { timeoutMs: 10000 })));
      if (!responses) return;
      assert.equal(responses.length, 5);
      assert.deepEqual(responses.map((r) => r.final), [false, false, false, false, true]);
      assert.deepEqual(responses.map((r) => r.sequence), [1, 2, 3, 4, 5]);
      assert.deepEqual(responses.map((r) => r.parameters.token_index), ['0', '1', '2', '3', '4']);
      assert.ok(responses.every((r) => r.request_sequence === 1 && r.payload.length > 0));
    });

    it('fails with DEADLINE_EXCEEDED when the deadline passes', async (t) => {
      const received = [];
      const run = async () => {
        for await (const response of client.generate('tokens', 'slow',
          { max_tokens: 100, tokens_per_second: 2 }, { timeoutMs: 500 })) {
          received.push(response);
        }
      };
      const error = await served(t, 'Generate', () => rejectsWith(run(), 'DEADLINE_EXCEEDED'));
      if (!error) return;
      assert.ok(received.length < 100);
    });

    it('rejects an unknown model with NOT_FOUND naming it', async (t) => {
      const error = await served(t, 'Generate', () => rejectsWith(
        collect(client.generate('no-such-model', 'x', {}, { timeoutMs: 10000 })), 'NOT_FOUND'));
      if (!error) return;
      assert.match(error.details, /no-such-model/);
    });
  });

  describe('Ingest (client streaming)', () => {
    it('sends sensor readings and gets one summary, or a clear status', async (t) => {
      // sensor_id,time,temperature,humidity,pressure,vibration (docs/models.md)
      const readings = ['s1,0,20,50,1000,0.1', 's2,1,10,40,990,0.2', 's1,2,22,52,1001,0.1',
        's2,3,30,44,995,0.4', 's1,4,24,54,1002,0.1'];
      let response;
      try {
        response = await client.ingest('sensors', readings, { timeoutMs: 10000 });
      } catch (error) {
        // Without the server method or the model, the status must say so.
        assert.ok(error instanceof SluiceError, String(error));
        assert.ok(['UNIMPLEMENTED', 'NOT_FOUND'].includes(error.codeName), error.message);
        assert.match(error.details, error.codeName === 'NOT_FOUND' ? /sensors/ : /Ingest/);
        t.skip(`no sensors summary to check: ${error.message}`);
        return;
      }
      assert.equal(response.final, true);
      assert.equal(response.parameters.count, '5');
      assert.equal(response.parameters.sensors, '2');
      const summary = Object.fromEntries(response.payload.toString().trim().split('\n')
        .map((line) => JSON.parse(line)).map((line) => [line.sensor_id, line]));
      assert.deepEqual(Object.keys(summary).sort(), ['s1', 's2']);
      assert.equal(summary.s1.count, 3);
      assert.deepEqual(summary.s1.temperature, { min: 20, max: 24, mean: 22 });
      assert.equal(summary.s2.count, 2);
      assert.deepEqual(summary.s2.temperature, { min: 10, max: 30, mean: 20 });
    });

    it('fails the call on a bad reading with a clear status', async (t) => {
      let error;
      try {
        await client.ingest('sensors', ['s1,0,20,50,1000,0.1', 'not a reading'],
          { timeoutMs: 10000 });
      } catch (caught) {
        error = caught;
      }
      assert.ok(error instanceof SluiceError, `expected a SluiceError, got ${error}`);
      if (['UNIMPLEMENTED', 'NOT_FOUND'].includes(error.codeName)) {
        t.skip(`no sensors model to check: ${error.message}`);
        return;
      }
      assert.equal(error.codeName, 'INVALID_ARGUMENT', error.message);
      assert.match(error.details, /sensor_id,time,temperature/);
    });

    it('accepts an async iterable of readings', async (t) => {
      async function* readings() {
        for (let i = 0; i < 300; i++) yield [`s${i % 3}`, i, 20, 50, 1000, 0.1].join(',');
      }
      const response = await served(t, 'Ingest',
        () => client.ingest('sensors', readings(), { timeoutMs: 10000 }).catch((error) => {
          if (error.codeName === 'NOT_FOUND') t.skip(`no sensors model: ${error.message}`);
          else throw error;
        }));
      if (!response) return;
      assert.equal(response.parameters.count, '300');
      assert.equal(response.parameters.sensors, '3');
    });
  });

  describe('connection', () => {
    it('reports an unreachable server as UNAVAILABLE naming it', async () => {
      const port = await new Promise((resolve) => {
        const probe = net.createServer().listen(0, '127.0.0.1', () => {
          const { port: free } = probe.address();
          probe.close(() => resolve(free));
        });
      });
      const down = new Client(`127.0.0.1:${port}`);
      try {
        const session = down.stream('echo', { timeoutMs: 10000 });
        session.send('x');
        const error = await rejectsWith(collect(session), 'UNAVAILABLE');
        assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      } finally {
        down.close();
      }
    });
  });

  describe('example.js', () => {
    it('runs every kind against the server', async () => {
      const { code, stdout, stderr } = await new Promise((resolve) => {
        execFile(process.execPath, [path.join(__dirname, 'example.js'), '--target', server.target],
          { env: process.env, timeout: 60000 },
          (error, out, err) => resolve({ code: error ? error.code : 0, stdout: out, stderr: err }));
      });
      for (const line of ['#1 one', '#2 two', '#3 three']) assert.match(stdout, new RegExp(line));
      if (!/UNIMPLEMENTED|NOT_FOUND/.test(stderr)) assert.equal(code, 0, stderr);
    });
  });

  describe('sluiced', () => {
    it('exits 0 on SIGTERM', async () => {
      client.close();
      client = null;
      assert.equal(await stopSluiced(server), 0, server.stderr);
    });
  });
});
