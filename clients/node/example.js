#!/usr/bin/env node
// Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
//
// A runnable example of the Node client against a running sluiced: one call
// of each RPC kind. Responses go to stdout, progress and errors to stderr.
//
//   node example.js [--target HOST:PORT]
'use strict';

const { Client, SluiceError } = require('./sluice_client');

function log(message) {
  process.stderr.write(`${message}\n`);
}

// Runs one section; a SluiceError is reported and counted, anything else thrown.
async function section(title, body) {
  log(`-- ${title}`);
  try {
    await body();
    return 0;
  } catch (error) {
    if (!(error instanceof SluiceError)) throw error;
    log(`failed: ${error.message}`);
    return 1;
  }
}

async function main() {
  const index = process.argv.indexOf('--target');
  const target = index > 0 ? process.argv[index + 1] : '127.0.0.1:50051';
  const client = new Client(target);
  let failures = 0;
  try {
    failures += await section('unary: Infer on echo', async () => {
      const response = await client.infer('echo', 'hello', { greeting: 'yes' }, { timeoutMs: 5000 });
      console.log(response.payload.toString(), response.parameters);
    });

    failures += await section('server streaming: Generate on tokens, printed as they arrive',
      async () => {
        for await (const response of client.generate('tokens', 'hello', { max_tokens: 8 },
          { timeoutMs: 10000 })) {
          process.stdout.write(response.payload.toString() + (response.final ? '\n' : ''));
        }
      });

    failures += await section('client streaming: Ingest on sensors, one summary at the end',
      async () => {
        // One CSV reading per request: sensor_id,time,temperature,humidity,pressure,vibration
        const readings = Array.from({ length: 10 },
          (_, i) => `greenhouse-${(i % 2) + 1},${i},${20 + i * 0.5},${50 + i},1013,0.02`);
        const response = await client.ingest('sensors', readings, { timeoutMs: 10000 });
        const { count, sensors } = response.parameters;
        log(`summary of ${count} readings from ${sensors} sensors, one JSON line per sensor:`);
        console.log(response.payload.toString().trimEnd());
      });

    failures += await section('bidirectional: a Stream session on echo', async () => {
      const session = client.stream('echo', { timeoutMs: 10000 });
      for (const word of ['one', 'two', 'three']) session.send(word);
      session.closeSend();
      for await (const response of session) {
        console.log(`#${response.request_sequence} ${response.payload.toString()}`);
      }
    });
  } finally {
    client.close();
  }
  return failures ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (error) => {
  log(error.stack || String(error));
  process.exitCode = 1;
});
