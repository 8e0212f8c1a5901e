// Scenarios for pushwire.js against a fake WebSocket, run inside a page of the server's origin by
// PushwireJsIT (through WebDriver's executeAsyncScript, so this is a function body: the last argument
// is the callback, the first the scenario's name). Each scenario plays the server frame by frame,
// checks what the client sent and what it told the application, and throws on the first difference.
const [scenarioName, done] = [arguments[0], arguments[arguments.length - 1]];

/** Records the socket the client opens; the scenario plays the server through it. */
class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;

  constructor(url, protocols) {
    this.url = url;
    this.protocols = protocols;
    this.readyState = FakeSocket.CONNECTING;
    this.messages = [];
    this.sent = [];
    this.closedByClient = null;
    sockets.push(this);
  }

  send(text) {
    this.messages.push(text);
    const parsed = JSON.parse(text);
    this.sent.push(...(Array.isArray(parsed) ? parsed : [parsed]));
  }

  close(code, reason) {
    this.closedByClient = { code, reason };
    this.readyState = FakeSocket.CLOSED;
  }

  accept() {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.({});
  }

  /** One server message: a single frame, or a batch (array) when given several. */
  push(...frames) {
    this.onmessage?.({ data: JSON.stringify(frames.length === 1 ? frames[0] : frames) });
  }

  drop(code, reason = '') {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason, wasClean: code !== 1006 });
  }
}

let sockets = [];

function memoryStorage() {
  const items = new Map();
  return { getItem: (key) => items.get(key) ?? null, setItem: (key, value) => items.set(key, String(value)) };
}

/** A client with short backoffs and everything it reports recorded. */
function recorded(PushwireClient, options = {}) {
  const seen = { events: [], gaps: [], states: [], disconnects: [], reconnecting: [], stopped: [], errors: [] };
  const client = new PushwireClient('ws://fake.invalid/ws', {
    reconnectInitialDelayMs: 1,
    reconnectMaxDelayMs: 5,
    storage: memoryStorage(),
    onStateChange: (from, to) => seen.states.push(to),
    onDisconnected: (code) => seen.disconnects.push(code),
    onReconnecting: (attempt, delayMs) => seen.reconnecting.push({ attempt, delayMs }),
    onStopped: (error) => seen.stopped.push(error.closeCode),
    onGap: (gap) => seen.gaps.push(`${gap.fromSeq}-${gap.toSeq} ${gap.reason}`),
    onError: (error) => seen.errors.push(error.code ?? error.message),
    ...options,
  });
  seen.handler = (event) => seen.events.push(`${event.epoch}:${event.seq}`);
  return { client, seen };
}

const welcome = (fields = {}) => ({
  type: 'welcome', id: 1, clientId: 'C1', resumeToken: 'T1', resumed: false,
  heartbeat: { intervalMs: 0, timeoutMs: 0 }, limits: { ratePerSec: 50, burst: 100, maxFrameBytes: 65536 },
  sessionTtlMs: 60000, ...fields,
});
const event = (channel, epoch, seq) => ({ type: 'event', channel, epoch, seq, ts: Date.now(), data: { seq } });
const subscribed = (channel, epoch, seq, id) => ({ type: 'subscribed', ...(id === undefined ? {} : { id }), channel, epoch, seq, recovered: false, replayed: 0 });
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, condition, ms = 3000) {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(2);
  }
}

function same(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) {
    throw new Error(`${what}: expected ${e}, got ${a}`);
  }
}

/** Connects a client subscribed to a.b, and delivers E:11 and E:12 after subscribed at head 10. */
async function connectedWithTwoEvents(PushwireClient, options) {
  const { client, seen } = recorded(PushwireClient, options);
  client.subscribe('a.b', seen.handler);
  const connected = client.connect();
  await until('a socket', () => sockets.length === 1);
  const socket = sockets[0];
  same(socket.protocols, 'pushwire.v1', 'subprotocol offered');
  socket.accept();
  same(socket.sent[0].type, 'hello', 'first frame');
  same(socket.sent[0].clientId, undefined, 'no session to resume yet');
  socket.push(welcome());
  await connected;
  same(client.state, 'connected', 'state after welcome');
  const subscribe = socket.sent[1];
  same([subscribe.type, subscribe.channel, subscribe.since], ['subscribe', 'a.b', undefined], 'first subscribe');
  socket.push(subscribed('a.b', 'E', 10, subscribe.id), event('a.b', 'E', 11), event('a.b', 'E', 12));
  same(seen.events, ['E:11', 'E:12'], 'live events after the subscribe seam');
  return { client, seen, socket };
}

/** An unsigned JWT whose payload says `exp` (epoch seconds); the client reads exp, only the server verifies. */
function fakeJwt(exp, n) {
  const base64url = (value) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${base64url({ alg: 'HS256' })}.${base64url({ sub: 'alice', exp, n })}.signature`;
}

const scenarios = {
  async resumeDeliversTheMissedEventsOnceAndTrimsGaps(PushwireClient) {
    const { client, seen, socket } = await connectedWithTwoEvents(PushwireClient);
    socket.drop(1006);
    same(client.state, 'reconnecting', 'state after the drop');
    await until('a second socket', () => sockets.length === 2);
    const second = sockets[1];
    second.accept();
    const hello = second.sent[0];
    same([hello.clientId, hello.resumeToken, hello.positions], ['C1', 'T1', { 'a.b': { seq: 12, epoch: 'E' } }],
        'the hello resumes with positions');
    // The server restores the subscription itself and replays from an older position than the client's.
    second.push(welcome({ resumed: true }), subscribed('a.b', 'E', 16), event('a.b', 'E', 11),
        event('a.b', 'E', 12), event('a.b', 'E', 13),
        { type: 'gap', channel: 'a.b', fromSeq: 12, toSeq: 15, reason: 'history_expired' }, event('a.b', 'E', 16));
    same(second.sent.length, 1, 'nothing but the hello: the session restored a.b');
    same(seen.events, ['E:11', 'E:12', 'E:13', 'E:16'], 'each seq once');
    same(seen.gaps, ['14-15 history_expired'], 'the gap, trimmed to what was not delivered');
    const stats = client.stats();
    same([stats.duplicatesDropped, stats.reconnects, stats.resumes, stats.gaps], [2, 1, 1, 1], 'counters');
    client.close();
    same(client.state, 'closed', 'closed');
  },

  async aFreshSessionResubscribesWithSinceAndFollowsTheNewEpoch(PushwireClient) {
    const { client, seen, socket } = await connectedWithTwoEvents(PushwireClient);
    socket.drop(1001, 'server going away');
    await until('a second socket', () => sockets.length === 2);
    const second = sockets[1];
    second.accept();
    second.push(welcome({ clientId: 'C2', resumeToken: 'T2' }),
        { type: 'error', code: 'resume_failed', message: 'unknown session', temporary: false });
    const subscribe = second.sent[1];
    same([subscribe.type, subscribe.channel, subscribe.since], ['subscribe', 'a.b', { seq: 12, epoch: 'E' }],
        'subscribe again with since');
    second.push(subscribed('a.b', 'F', 2, subscribe.id),
        { type: 'gap', channel: 'a.b', fromSeq: 1, toSeq: 0, reason: 'epoch_changed' },
        event('a.b', 'F', 1), event('a.b', 'F', 2), event('a.b', 'E', 13), event('a.b', 'F', 3));
    same(seen.events, ['E:11', 'E:12', 'F:1', 'F:2', 'F:3'], 'the new epoch from 1; the old one never again');
    same(seen.gaps, ['1-0 epoch_changed'], 'epoch_changed passed on');
    same(seen.errors, ['resume_failed'], 'resume_failed reported');
    same(client.clientId, 'C2', 'the new session');
    client.close();
  },

  async closeCodesDecideWhetherToReconnect(PushwireClient) {
    const cases = [[1000, true], [1001, true], [1006, true], [1011, true], [4000, true], [4001, true],
      [4002, true], [4429, true], [1009, false], [4003, false], [4400, false], [4401, false], [4403, false]];
    for (const [code, reconnects] of cases) {
      sockets = [];
      const { client, seen, socket } = await connectedWithTwoEvents(PushwireClient, { reconnectMaxDelayMs: 40 });
      socket.drop(code);
      same(seen.disconnects, [code], `close ${code} reported`);
      if (reconnects) {
        same(client.state, 'reconnecting', `after ${code}`);
        const delay = seen.reconnecting[0].delayMs;
        const floor = code === 4429 ? 40 : code === 4002 ? 1 : 0;
        if (delay < floor) {
          throw new Error(`close ${code}: reconnect after ${delay} ms, less than the floor ${floor}`);
        }
        await until(`a reconnect after ${code}`, () => sockets.length === 2);
      } else {
        same([client.state, seen.stopped], ['disconnected', [code]], `after ${code}`);
        await sleep(20);
        same(sockets.length, 1, `no reconnect after ${code}`);
      }
      client.close();
    }
  },

  async takenOverTheSessionIsForgotten(PushwireClient) {
    const { client, socket } = await connectedWithTwoEvents(PushwireClient);
    socket.drop(4003, 'session resumed by a newer connection');
    same([client.state, client.clientId], ['disconnected', null], 'stopped, session forgotten');
    client.connect();
    await until('a new socket', () => sockets.length === 2);
    sockets[1].accept();
    same(sockets[1].sent[0].clientId, undefined, 'connect() again starts a new session, not a takeover');
    client.close();
  },

  async aTokenFunctionGetsOneRetryAfter4401(PushwireClient) {
    let asked = 0;
    const { client, seen, socket } = await connectedWithTwoEvents(PushwireClient, { token: () => `t${++asked}` });
    same(socket.sent[0].token, 't1', 'token in hello');
    socket.drop(4401);
    await until('a second socket', () => sockets.length === 2);
    sockets[1].accept();
    same(sockets[1].sent[0].token, 't2', 'a fresh token for the retry');
    sockets[1].drop(4401);
    same([client.state, seen.stopped], ['disconnected', [4401]], 'a second 4401 in a row is terminal');
    client.close();
  },

  async watchdogDropsASilentConnectionAndPingsAreAnswered(PushwireClient) {
    const { client, seen } = recorded(PushwireClient);
    client.subscribe('a.b', seen.handler);
    client.connect();
    await until('a socket', () => sockets.length === 1);
    const socket = sockets[0];
    socket.accept();
    socket.push(welcome({ heartbeat: { intervalMs: 150, timeoutMs: 100 } }));
    await sleep(100);
    socket.push({ type: 'ping', ts: 42 });
    same(socket.sent.at(-1), { type: 'pong', ts: 42 }, 'pong echoes ts');
    await sleep(180);
    same(client.state, 'connected', '180 ms after the ping: not silent for 250 ms yet');
    await until('the watchdog', () => seen.disconnects.length === 1, 1000);
    same(seen.disconnects, [4000], 'heartbeat timeout reported as 4000');
    if (!socket.closedByClient) {
      throw new Error('the silent socket was not dropped');
    }
    await until('a reconnect', () => sockets.length === 2);
    client.close();
  },

  async goawayMovesAfterTheAskedDelayWithResume(PushwireClient) {
    const { client, seen, socket } = await connectedWithTwoEvents(PushwireClient);
    const asked = performance.now();
    socket.push({ type: 'goaway', reason: 'server shutting down', reconnectAfterMs: 120 });
    await sleep(60);
    socket.push(event('a.b', 'E', 13));
    same([client.state, seen.events.at(-1)], ['connected', 'E:13'], 'still connected and receiving');
    await until('the move', () => sockets.length === 2);
    const waited = performance.now() - asked;
    if (waited < 120) {
      throw new Error(`moved after ${waited} ms, before the 120 ms the server asked`);
    }
    same(socket.closedByClient?.code, 1000, 'the old connection closed by the client');
    same(seen.disconnects, [1001], 'reported as 1001');
    sockets[1].accept();
    same(sockets[1].sent[0].clientId, 'C1', 'resumes');
    client.close();
  },

  async subscribesGoOutBatchedAndRefusalsAreHandled(PushwireClient) {
    const { client, seen } = recorded(PushwireClient);
    const results = {};
    for (const channel of ['a.one', 'a.two', 'a.three', 'a.four']) {
      client.subscribe(channel, seen.handler).then(() => { results[channel] = 'ok'; },
          (error) => { results[channel] = error.code; });
    }
    client.connect();
    await until('a socket', () => sockets.length === 1);
    const socket = sockets[0];
    socket.accept();
    socket.push(welcome());
    same(socket.messages.length, 2, 'the hello, then one message');
    same(JSON.parse(socket.messages[1]).map((frame) => frame.channel), ['a.one', 'a.two', 'a.three', 'a.four'],
        'all subscribes in one batch');
    const [one, two, three, four] = socket.sent.slice(1);
    socket.push(subscribed('a.one', 'E', 0, one.id),
        { type: 'error', id: two.id, code: 'rate_limited', message: 'slow down', temporary: true, retryAfterMs: 50 },
        { type: 'error', id: three.id, code: 'unknown_channel', message: 'no such channel', temporary: false },
        { type: 'error', id: four.id, code: 'forbidden', message: 'private', temporary: false });
    await sleep(0);
    same(results, { 'a.one': 'ok', 'a.three': 'unknown_channel', 'a.four': 'forbidden' }, 'refusals reject');
    const sent = socket.sent.length;
    await sleep(25);
    same(socket.sent.length, sent, 'the rate-limited subscribe waits for retryAfterMs');
    await until('the retry', () => socket.sent.length === sent + 1);
    same([socket.sent.at(-1).type, socket.sent.at(-1).channel], ['subscribe', 'a.two'], 'then it is sent again');
    client.close();
  },

  async publishesAreBatchedHeldBackWhenRateLimitedAndNeverSentTwice(PushwireClient) {
    const { client, seen, socket } = await connectedWithTwoEvents(PushwireClient);
    const messages = socket.messages.length;
    const written = [];
    for (const n of [1, 2, 3]) {
      client.publish('a.b', { n }).then(() => written.push(n));
    }
    await sleep(0);
    same(socket.messages.length, messages + 1, 'one burst, one message');
    const burst = JSON.parse(socket.messages.at(-1));
    same(burst.map((frame) => [frame.type, frame.channel, frame.data.n]), [['publish', 'a.b', 1], ['publish', 'a.b', 2],
      ['publish', 'a.b', 3]], 'the burst as a batch, in order');
    same(written, [1, 2, 3], 'each resolved when written');

    socket.push({ type: 'error', id: burst[0].id, code: 'rate_limited', message: 'slow down', temporary: true, retryAfterMs: 80 });
    same(seen.errors, ['rate_limited'], 'the refusal reported');
    const held = client.publish('a.b', { n: 4 });
    await sleep(30);
    same([socket.sent.filter((frame) => frame.type === 'publish').length, client.stats().publishBuffered], [3, 1],
      'held back for retryAfterMs');
    await held;
    same(socket.sent.at(-1).data, { n: 4 }, 'then written');

    // Written to a connection that then broke: not sent again. Made while reconnecting: sent after welcome.
    socket.drop(1006);
    const during = client.publish('a.b', { n: 5 });
    await until('a second socket', () => sockets.length === 2);
    const second = sockets[1];
    second.accept();
    second.push(welcome({ resumed: true }), subscribed('a.b', 'E', 12));
    await during;
    same(second.sent.filter((frame) => frame.type === 'publish').map((frame) => frame.data.n), [5],
      'only the publish that was never written');
    client.close();
  },

  async aPublishTooLargeOrAfterStoppingIsRejected(PushwireClient) {
    const { client, seen } = recorded(PushwireClient, { publishBufferSize: 2 });
    const buffered = client.publish('a.b', { n: 1 }).then(() => 'written', (error) => error);
    client.publish('a.b', { n: 2 }).catch(() => {});
    const full = await client.publish('a.b', { n: 3 }).then(() => 'written', (error) => error);
    same([full.name, full.capacity], ['PublishBufferFullError', 2], 'over publishBufferSize');
    let threw = null;
    try {
      client.publish('a.b', undefined);
    } catch (error) {
      threw = error.name;
    }
    same(threw, 'TypeError', 'data JSON cannot encode');
    client.connect().catch(() => {});
    await until('a socket', () => sockets.length === 1);
    sockets[0].accept();
    sockets[0].drop(4403);
    const stopped = await buffered;
    same([stopped.closeCode, client.stats().publishBuffered, seen.stopped], [4403, 0, [4403]],
      'buffered publishes fail when the client stops');

    sockets = [];
    const small = recorded(PushwireClient);
    small.client.connect();
    await until('a socket', () => sockets.length === 1);
    sockets[0].accept();
    sockets[0].push(welcome({ limits: { ratePerSec: 50, burst: 100, maxFrameBytes: 100 } }));
    const tooLarge = await small.client.publish('a.b', 'x'.repeat(100)).then(() => 'written', (error) => error.code);
    same([tooLarge, sockets[0].sent.length], ['too_large', 1], 'over maxFrameBytes: rejected and not sent');
    small.client.close();
    const closed = await small.client.publish('a.b', 1).then(() => 'written', (error) => error.message);
    same(closed, 'client is closed', 'after close()');
    client.close();
  },

  async aJwtIsRefreshedBeforeExpiryAndARateLimitedRefreshIsSentAgain(PushwireClient) {
    // exp is in whole seconds: 2 to 3 s from now; with a 500 ms margin the refresh is due after 1 to 2.5 s.
    const exp = Math.floor(Date.now() / 1000) + 3;
    let asked = 0;
    const { client, seen } = recorded(PushwireClient, {
      token: () => Promise.resolve(fakeJwt(exp + asked, ++asked)),
      tokenRefreshMarginMs: 500,
    });
    client.connect();
    await until('a socket', () => sockets.length === 1);
    const socket = sockets[0];
    socket.accept();
    await until('the hello', () => socket.sent.length === 1);
    socket.push(welcome());
    const welcomedAt = Date.now();
    await sleep(500);
    same(asked, 1, 'not asked again long before expiry');
    await until('the refresh', () => socket.sent.some((frame) => frame.type === 'refresh'), 3000);
    const refresh = socket.sent.find((frame) => frame.type === 'refresh');
    if (Date.now() >= exp * 1000 || Date.now() - welcomedAt < 900) {
      throw new Error(`refreshed ${Date.now() - welcomedAt} ms after welcome, ${exp * 1000 - Date.now()} ms before exp`);
    }
    same([asked, refresh.token], [2, fakeJwt(exp + 1, 2)], 'the new token, sent as refresh');

    socket.push({ type: 'error', id: refresh.id, code: 'rate_limited', message: 'slow down', temporary: true, retryAfterMs: 40 });
    await until('the refresh again', () => socket.sent.filter((frame) => frame.type === 'refresh').length === 2, 1000);
    same(socket.sent.at(-1).token, refresh.token, 'the same token again after retryAfterMs');
    same(seen.errors, [], 'a rate-limited refresh is retried, not reported');

    socket.push({ type: 'error', code: 'token_expired', message: 'the token expired', temporary: false });
    await until('a refresh at once', () => socket.sent.filter((frame) => frame.type === 'refresh').length === 3, 1000);
    same([asked, socket.sent.at(-1).token], [3, fakeJwt(exp + 2, 3)], 'token_expired asks the function at once');
    socket.push({ type: 'error', id: socket.sent.at(-1).id, code: 'forbidden', message: 'another subject', temporary: false });
    same(seen.errors, ['token_expired', 'forbidden'], 'the expiry and the refused refresh reported');
    same(client.state, 'connected', 'still connected');
    client.close();
  },

  async aNewPageResumesTheSessionItFindsInStorage(PushwireClient) {
    const storage = memoryStorage();
    const first = await connectedWithTwoEvents(PushwireClient, { storage });
    first.client.close(); // what pagehide does: the state is written
    const { client, seen } = recorded(PushwireClient, { storage });
    same(client.clientId, 'C1', 'the session from storage');
    client.subscribe('a.b', seen.handler);
    same(client.positions(), { 'a.b': { seq: 12, epoch: 'E' } }, 'the position from storage');
    client.connect();
    await until('a socket', () => sockets.length === 2);
    const socket = sockets[1];
    socket.accept();
    same([socket.sent[0].clientId, socket.sent[0].resumeToken, socket.sent[0].positions],
        ['C1', 'T1', { 'a.b': { seq: 12, epoch: 'E' } }], 'the first hello of the new page resumes');
    // The session also holds a channel this page did not subscribe to: the client asks to drop it.
    socket.push(welcome({ resumed: true }), subscribed('a.b', 'E', 13), event('a.b', 'E', 12),
        event('a.b', 'E', 13), subscribed('x.y', 'G', 5));
    same(seen.events, ['E:13'], 'continues after the previous page');
    same(socket.sent.slice(1).map((frame) => [frame.type, frame.channel]), [['unsubscribe', 'x.y']],
        'no subscribe for a.b (restored), an unsubscribe for x.y');
    client.close();
  },
};

(async () => {
  window.WebSocket = FakeSocket;
  const { PushwireClient } = await import('/pushwire.js');
  const scenario = scenarios[scenarioName];
  if (!scenario) {
    throw new Error(`no scenario ${scenarioName}`);
  }
  await scenario(PushwireClient);
})().then(() => done('ok'), (error) => done(`${error.message}\n${error.stack}`));
