// The package as an application in Node.js gets it: JsPackageIT copies this file into a project that
// installed the packed tarball (npm pack, then npm install <tarball>), so '@pushwire/client' below is the
// tarball's copy, and runs it against a real Pushwire server in pushwire.auth.mode=jwt:
//   PUSHWIRE_URL=ws://127.0.0.1:PORT/ws PUSHWIRE_TOKEN=<jwt: subscribe *, publish chat.*> node node-smoke.mjs
// Node.js 22+ has a global WebSocket; before that (CI's Debian 12 has Node.js 18) the ws package is passed
// as the WebSocket option. Prints one JSON line of what it saw; exits 1 with the reason on any difference.
import { createRequire } from 'node:module';
import { PublishBufferFullError, PushwireClient, PushwireError, State } from '@pushwire/client';

const url = process.env.PUSHWIRE_URL;
const token = process.env.PUSHWIRE_TOKEN;
const deadline = setTimeout(() => fail('no result within 20 s'), 20_000);

function fail(reason) {
  console.error(`node-smoke: ${reason}`);
  process.exit(1);
}

function check(condition, what) {
  if (!condition) {
    fail(what);
  }
}

function until(what, condition, ms = 10_000) {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const poll = () => {
      if (condition()) {
        resolve();
      } else if (Date.now() - started > ms) {
        reject(new Error(`timed out waiting for ${what}`));
      } else {
        setTimeout(poll, 10);
      }
    };
    poll();
  });
}

try {
  const WebSocket = globalThis.WebSocket ?? (await import('ws')).WebSocket;
  const errors = [];
  const chat = [];
  const trades = [];
  let tokensAsked = 0;
  const client = new PushwireClient(url, {
    WebSocket,
    storage: null,
    token: async () => {
      tokensAsked++;
      return token;
    },
    onError: (error) => errors.push(error),
  });
  check(client.state === State.DISCONNECTED, `state before connect: ${client.state}`);

  // Buffered until the welcome, then written after the subscriptions: the subscriber sees it.
  const early = client.publish('chat.node', { text: 'buffered before connecting' });
  check(client.stats().publishBuffered === 1, 'one publish buffered before connecting');
  const subscribed = client.subscribe('chat.node', (event) => chat.push(event.data.text));
  client.subscribe('sim.trades.BTC-USDT', (event) => trades.push(event.seq));
  await client.connect();
  check(client.state === State.CONNECTED && typeof client.clientId === 'string', `connected: ${client.state}`);
  await subscribed;
  await early;
  await client.publish('chat.node', { text: 'published while connected' });
  await until('both chat messages', () => chat.length === 2);
  check(chat[0] === 'buffered before connecting' && chat[1] === 'published while connected', `chat: ${chat}`);
  await until('a simulated trade', () => trades.length > 0);

  await client.publish('news.node', { text: 'not allowed' });
  await until('the refusal', () => errors.length > 0);
  const refused = errors[0];
  check(refused instanceof PushwireError && refused.code === 'forbidden'
      && refused.message.startsWith("publish to 'news.node' refused: forbidden"), `refusal: ${refused?.message}`);

  const stats = client.stats();
  client.close();
  check(client.state === State.CLOSED, 'closed');
  const late = await client.publish('chat.node', 1).then(() => 'written', (error) => error.message);
  check(late === 'client is closed', `publish after close: ${late}`);
  check(new PublishBufferFullError(3).capacity === 3, 'PublishBufferFullError carries its capacity');

  clearTimeout(deadline);
  console.log(JSON.stringify({
    resolved: createRequire(import.meta.url).resolve('@pushwire/client'),
    webSocket: globalThis.WebSocket ? 'global' : 'ws',
    node: process.version,
    chat,
    trades: trades.length,
    tokensAsked,
    refused: refused.message,
    eventsReceived: stats.eventsReceived,
    publishBuffered: stats.publishBuffered,
  }));
} catch (error) {
  fail(error?.stack ?? error);
}
