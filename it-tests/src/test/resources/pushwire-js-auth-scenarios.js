// Scenarios for pushwire.js against the real server in pushwire.auth.mode=jwt, run inside a page of the
// server's origin by PushwireJsAuthIT (through WebDriver's executeAsyncScript, so this is a function body:
// the arguments are the scenario's name, the server's WebSocket URL, the tokens the test signed for this
// scenario, then the callback). Each scenario throws on the first difference.
const [scenarioName, wsUrl, tokens, done] = [arguments[0], arguments[1], arguments[2], arguments[arguments.length - 1]];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, condition, ms = 5000) {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(5);
  }
}

function same(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) {
    throw new Error(`${what}: expected ${e}, got ${a}`);
  }
}

/** A client of the real server with everything it reports recorded; `token` is a string or a function. */
function recorded(PushwireClient, token, options = {}) {
  const seen = { errors: [], states: [], disconnects: [], data: [] };
  const client = new PushwireClient(wsUrl, {
    token,
    storage: null,
    reconnectInitialDelayMs: 50,
    onStateChange: (from, to) => seen.states.push(to),
    onDisconnected: (code) => seen.disconnects.push(code),
    onError: (error) => seen.errors.push(error),
    ...options,
  });
  seen.handler = (event) => seen.data.push(event.data);
  return { client, seen };
}

/** A reader subscribed to `channel`, connected; what it receives lands in seen.data. */
async function reader(PushwireClient, channel) {
  const { client, seen } = recorded(PushwireClient, tokens.reader);
  const subscribed = client.subscribe(channel, seen.handler);
  await client.connect();
  await subscribed;
  return { client, seen };
}

const scenarios = {
  async aPublishReachesASubscriberAndRefusalsSurfaceAsErrors(PushwireClient) {
    const listener = await reader(PushwireClient, 'chat.browser');
    const { client, seen } = recorded(PushwireClient, tokens.writer);
    await client.connect();
    await client.publish('chat.browser', { text: 'hello from the browser' });
    await until('the event at the subscriber', () => listener.seen.data.length === 1);
    same(listener.seen.data, [{ text: 'hello from the browser' }], 'what the subscriber got');

    await client.publish('news.browser', { text: 'not permitted' }); // written: the refusal comes later
    await until('the refusal', () => seen.errors.length === 1);
    const refused = seen.errors[0];
    same([refused.name, refused.code], ['PushwireError', 'forbidden'], 'the refusal');
    if (!refused.message.startsWith("publish to 'news.browser' refused: forbidden: ")) {
      throw new Error(`the refusal names the publish: ${refused.message}`);
    }

    // Over the server's maxFrameBytes (64 KiB by default): refused by the client, never sent, so the
    // server has no reason for a 1009 close.
    const tooLarge = await client.publish('chat.browser', { text: 'x'.repeat(70000) })
      .then(() => 'written', (error) => error.code);
    same(tooLarge, 'too_large', 'a publish over maxFrameBytes');
    await client.publish('chat.browser', { text: 'still connected' });
    await until('the next event', () => listener.seen.data.length === 2);
    same([client.state, seen.disconnects, client.stats().publishBuffered], ['connected', [], 0], 'the connection stayed');
    client.close();
    listener.client.close();
  },

  async publishesWhileDisconnectedAreBufferedThenSentInOrderAfterTheWelcome(PushwireClient) {
    const listener = await reader(PushwireClient, 'chat.buffered');
    const { client } = recorded(PushwireClient, tokens.writer, { publishBufferSize: 3 });
    const written = [];
    for (const n of [1, 2, 3]) {
      client.publish('chat.buffered', { n }).then(() => written.push(n));
    }
    same([client.state, client.stats().publishBuffered], ['disconnected', 3], 'buffered before connecting');
    const full = await client.publish('chat.buffered', { n: 4 }).then(() => 'written', (error) => error);
    same([full.name, full.capacity, full instanceof Error], ['PublishBufferFullError', 3, true], 'the fourth is refused at once');
    await sleep(50);
    same(written, [], 'nothing is written without a connection');

    await client.connect();
    await until('the buffered publishes', () => listener.seen.data.length === 3);
    same(listener.seen.data, [{ n: 1 }, { n: 2 }, { n: 3 }], 'in order, the refused one not among them');
    same([written, client.stats().publishBuffered], [[1, 2, 3], 0], 'each resolved when written');
    client.close();
    listener.client.close();
  },

  async aTokenIsRefreshedOnATimerBeforeItExpires(PushwireClient) {
    // shortLived expires 4 s after the test signed it and may not publish; fresh may publish on chat.*.
    // The refresh is due at max(remaining - margin, remaining / 2) = about 2 s after connecting.
    const listener = await reader(PushwireClient, 'chat.refreshed');
    const asked = [];
    const answers = [tokens.shortLived, tokens.fresh];
    const { client, seen } = recorded(PushwireClient, () => {
      asked.push(Date.now());
      return answers[Math.min(asked.length, answers.length) - 1];
    }, { tokenRefreshMarginMs: 2000 });
    await client.connect();
    const connectedAt = Date.now();
    await client.publish('chat.refreshed', { text: 'before the refresh' });
    await until('the refusal under the first token', () => seen.errors.length === 1);
    same(seen.errors[0].code, 'forbidden', 'the first token may not publish');

    await until('the timed refresh', () => asked.length === 2, 6000);
    const expiresAt = JSON.parse(atob(tokens.shortLived.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).exp * 1000;
    if (!(asked[1] - connectedAt >= 900 && asked[1] < expiresAt - 500)) {
      throw new Error(`asked again ${asked[1] - connectedAt} ms after connecting, ${expiresAt - asked[1]} ms before`
        + ' the token expires: expected on the timer, after at least a second and before expiry');
    }
    // The refresh went out as soon as the function answered, ahead of this publish on the same connection.
    // That the server took it shows in the fresh token's permission to publish.
    await sleep(0);
    await client.publish('chat.refreshed', { text: 'after the refresh' });
    await until('the publish at the subscriber', () => listener.seen.data.length === 1);
    same(listener.seen.data, [{ text: 'after the refresh' }], 'published under the refreshed token');
    same(seen.errors.length, 1, 'no refusal after the refresh');
    const stats = client.stats();
    same([client.state, stats.connections, stats.connectionAttempts, seen.disconnects], ['connected', 1, 1, []],
      'one connection throughout');
    same(seen.errors.filter((error) => error.message.startsWith('token refresh refused')), [], 'no refused refresh');
    client.close();
    listener.client.close();
  },

  async tokenExpiredFromTheServerIsAnsweredWithARefresh(PushwireClient) {
    // expiring is past its exp already (so the client cannot schedule a refresh), and the server honours
    // it for 2 to 3 s more (its 30 s of clock skew): then error token_expired, and close 4401 after 1 s of grace
    // unless a refresh arrives.
    const answers = [tokens.expiring, tokens.fresh];
    let asked = 0;
    const { client, seen } = recorded(PushwireClient, () => answers[Math.min(++asked, answers.length) - 1]);
    await client.connect();
    await until('token_expired', () => seen.errors.some((error) => error.code === 'token_expired'), 6000);
    await until('the refresh', () => asked === 2);
    await sleep(2000); // past the grace period
    same([client.state, client.stats().connections, seen.disconnects], ['connected', 1, []], 'not closed with 4401');
    client.close();
  },

  async aRefusedRefreshIsReportedAndTheClientReconnectsWithAFreshToken(PushwireClient) {
    // The refresh proves another subject: refused (forbidden), so the server closes 4401 after the grace;
    // the token function then gets its one retry after 4401, with a valid token.
    const answers = [tokens.expiring, tokens.otherSubject, tokens.fresh];
    let asked = 0;
    const { client, seen } = recorded(PushwireClient, () => answers[Math.min(++asked, answers.length) - 1]);
    await client.connect();
    await until('the refused refresh', () => seen.errors.some((error) => error.message.startsWith('token refresh refused')), 6000);
    const refused = seen.errors.find((error) => error.message.startsWith('token refresh refused'));
    same(refused.code, 'forbidden', 'a refresh for another subject');
    await until('the 4401 close', () => seen.disconnects.length === 1, 4000);
    same(seen.disconnects, [4401], 'closed for the lapsed token');
    await until('connected again', () => client.state === 'connected' && client.stats().connections === 2);
    same(asked, 3, 'a fresh token for the reconnect');
    client.close();
  },
};

(async () => {
  const { PushwireClient } = await import('/pushwire.js');
  const scenario = scenarios[scenarioName];
  if (!scenario) {
    throw new Error(`no scenario ${scenarioName}`);
  }
  await scenario(PushwireClient);
})().then(() => done('ok'), (error) => done(`${error.message}\n${error.stack}`));
