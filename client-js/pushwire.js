// pushwire.js: the Pushwire browser client. One ES module, no dependencies.
//
// It speaks protocol v1 (docs/PROTOCOL.md) and behaves like the Java SDK (docs/SDK.md): it stays
// connected (reconnect with full-jitter backoff, decided by close code), resumes its session, restores
// its subscriptions, gives each event to the application once, in seq order per channel, buffers
// publishes while disconnected and refreshes a JWT before it expires. Unlike the SDK it also keeps the
// session and the positions in sessionStorage, so a page reload resumes. Usage and options:
// docs/BROWSER.md; types: pushwire.d.ts beside this file (the npm package @pushwire/client).
//
// Everything runs on the page's one thread, so there are no locks; what replaces the SDK's
// "one event thread" discipline is the generation counter: every socket callback and timer captures
// the generation it was made for and does nothing once a newer connection (or a close) replaced it.

const SUBPROTOCOL = 'pushwire.v1';
const PROTOCOL_VERSION = 1;
const DEFAULT_MAX_FRAME_BYTES = 65536;
const MAX_BATCH_FRAMES = 1024;
/** How long after a resume the client waits for the server to restore a subscription it had. */
const RESTORE_TIMEOUT_MS = 5000;
const RETIRED_EPOCHS_KEPT = 8;
/** Positions are written to storage at most this often while events flow (and always on pagehide). */
const SAVE_EVERY_MS = 1000;
/** WebSocket.readyState values, the same for every implementation. */
const OPEN = 1;
const CLOSED = 3;
/** Requests without a success reply (hello, publish, refresh) kept per connection to explain an error. */
const RECENT_REQUESTS_KEPT = 1024;
/** Never refresh a token sooner than this after the last look, so a function returning the same token cannot spin. */
const MIN_REFRESH_DELAY_MS = 1000;
/** The longest delay setTimeout keeps; a longer one fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The client's states; `client.state` is one of these strings. */
export const State = Object.freeze({
  /** Not trying: before connect(), or after the client gave up by itself (onStopped says why). */
  DISCONNECTED: 'disconnected',
  /** The first attempt after connect(): opening the socket or waiting for welcome. */
  CONNECTING: 'connecting',
  /** welcome has arrived. */
  CONNECTED: 'connected',
  /** A connection or an attempt failed: waiting out the backoff, or trying again. */
  RECONNECTING: 'reconnecting',
  /** close() was called. Final. */
  CLOSED: 'closed',
});

/** The one error type: `code` is the server's error code, `closeCode` the WebSocket close code. */
export class PushwireError extends Error {
  constructor(message, { code = null, closeCode = 0, retryAfterMs = null } = {}) {
    super(message);
    this.name = 'PushwireError';
    this.code = code;
    this.closeCode = closeCode;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * What publish() rejects with when `publishBufferSize` publishes are waiting already: the client has been
 * disconnected (or held back by the server's rate limit) longer than the buffer covers. Nothing was queued.
 */
export class PublishBufferFullError extends PushwireError {
  constructor(capacity) {
    super(`publish buffer full: ${capacity} publishes are waiting for a connection`);
    this.name = 'PublishBufferFullError';
    this.capacity = capacity;
  }
}

const DEFAULTS = Object.freeze({
  connectTimeoutMs: 10000,
  reconnectInitialDelayMs: 500,
  reconnectMaxDelayMs: 30000,
  reconnectMultiplier: 2,
  maxReconnectAttempts: Infinity,
  stableConnectionAfterMs: 10000,
  /**
   * A string, or a function returning a string (or a Promise of one), asked before every connection and,
   * when its token is a JWT with `exp`, again tokenRefreshMarginMs before that (sent as `refresh`).
   */
  token: null,
  tokenRefreshMarginMs: 30000,
  /** Publishes waiting for a connection (or for the server's rate limit) at most. */
  publishBufferSize: 1000,
  /** The WebSocket class; default: the global one (browsers, Node.js 22+). */
  WebSocket: null,
  /** Where the session and positions survive a reload; null turns that off. Default: sessionStorage. */
  storage: undefined,
  storageKey: null,
  random: Math.random,
});

const CALLBACKS = ['onStateChange', 'onConnected', 'onDisconnected', 'onReconnecting', 'onStopped',
  'onGap', 'onStatus', 'onError', 'onSubscriptionFailed'];

export class PushwireClient {
  #url;
  #options;
  #callbacks = {};
  #storage;
  #storageKey;
  #WebSocket;
  /** Publishes not written yet. */
  #publishes;
  /** The token the connection presents, and its timed refresh. */
  #tokens;

  #state = State.DISCONNECTED;
  /** Grows when an attempt starts and when a connection ends; see the note at the top. */
  #generation = 0;
  #ws = null;
  #welcomed = false;
  #connecting = null;
  #nextId = 1;

  /** {clientId, resumeToken, sessionTtlMs} from the last welcome (or from storage); null for none. */
  #session = null;
  /** Date.now() when the last welcomed connection was lost (or the page that had it was left); -1. */
  #lostAt = -1;
  #heartbeatMs = 0;
  #lastInboundAt = -1;
  #connectedAt = -1;
  #maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;

  /** name -> Channel: what the application subscribed to. Outlives connections. */
  #channels = new Map();
  /** Channels the server's session has confirmed (a subscribed seen, not unsubscribed since). */
  #confirmed = new Set();
  /** After a resume: confirmed channels whose restoring `subscribed` has not arrived yet. */
  #awaitingRestore = new Set();
  #subscribeRequests = new Map();
  #unsubscribeRequests = new Map();
  /** id -> a request of this connection that only an error answers (hello, publish, refresh). */
  #recentRequests = new Map();
  /** Positions read from storage, for channels the application has not subscribed (again) yet. */
  #storedPositions = {};

  #timers = { connect: null, watchdog: null, restore: null, goaway: null };
  #reconnectTimer = null;
  #saveTimer = null;
  #plan = { attempts: 0, connectedAt: -1, notBefore: -Infinity, goawayAt: -1, unauthorizedInARow: 0 };
  #stats = {
    connectionAttempts: 0, connections: 0, connectionFailures: 0, reconnects: 0, resumes: 0,
    disconnects: 0, reconnectAttempt: 0, eventsReceived: 0, duplicatesDropped: 0, gaps: 0, lastError: null,
  };
  #onPageHide = () => this.#save();

  /**
   * @param {string} url  ws:, wss:, or a URL relative to the page ('/ws', the default); http(s) becomes ws(s).
   * @param {object} options  see DEFAULTS above and docs/BROWSER.md; callbacks are options too.
   */
  constructor(url = '/ws', options = {}) {
    this.#url = resolveUrl(url);
    this.#options = { ...DEFAULTS, ...options };
    this.#WebSocket = this.#options.WebSocket ?? globalThis.WebSocket;
    if (typeof this.#WebSocket !== 'function') {
      throw new TypeError('no WebSocket class: pass options.WebSocket (before Node.js 22, the ws package\'s)');
    }
    const capacity = this.#options.publishBufferSize;
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new TypeError(`publishBufferSize must be an integer of at least 0, got ${capacity}`);
    }
    const link = this.#link();
    this.#publishes = new PublishBuffer(capacity, link);
    this.#tokens = new TokenRefresher(this.#options.token, this.#options.tokenRefreshMarginMs, link);
    for (const name of CALLBACKS) {
      if (typeof options[name] === 'function') {
        this.#callbacks[name] = options[name];
      }
    }
    this.#storage = this.#options.storage !== undefined ? this.#options.storage : defaultStorage();
    this.#storageKey = this.#options.storageKey ?? `pushwire:${this.#url}`;
    this.#load();
    globalThis.addEventListener?.('pagehide', this.#onPageHide);
  }

  /** One of State. */
  get state() {
    return this.#state;
  }

  /** The session's id from the last welcome (or from storage before the first one); null for none. */
  get clientId() {
    return this.#session?.clientId ?? null;
  }

  /** The URL this client connects to. */
  get url() {
    return this.#url;
  }

  /**
   * Starts connecting (and keeps reconnecting until close() or a terminal close code). Resolves at the
   * next welcome; rejects if the client stops or closes first.
   */
  connect() {
    switch (this.#state) {
      case State.CLOSED:
        return Promise.reject(new PushwireError('client is closed'));
      case State.CONNECTED:
        return Promise.resolve();
      case State.CONNECTING:
      case State.RECONNECTING:
        return this.#connecting.promise;
      default:
        this.#plan = { attempts: 0, connectedAt: -1, notBefore: -Infinity, goawayAt: -1, unauthorizedInARow: 0 };
        this.#stats.reconnectAttempt = 0;
        this.#connecting = deferred();
        this.#setState(State.CONNECTING);
        this.#startAttempt(false);
        return this.#connecting.promise;
    }
  }

  /**
   * Subscribes once; the subscription belongs to the client, not to a connection. handler(event) gets
   * {channel, seq, epoch, ts, data}, each (channel, epoch, seq) at most once and in order. Subscribing
   * again to the same channel replaces the handler and keeps the position. Resolves with the first
   * `subscribed` frame; rejects if the server refuses the channel.
   */
  subscribe(channel, handler) {
    requireChannel(channel);
    if (typeof handler !== 'function') {
      throw new TypeError('handler must be a function');
    }
    if (this.#state === State.CLOSED) {
      return Promise.reject(new PushwireError('client is closed'));
    }
    const existing = this.#channels.get(channel);
    if (existing) {
      existing.handler = handler;
      if (existing.ready.failed) {
        // Failed when the client stopped: this call waits for the next subscribed instead.
        existing.ready = deferred();
        if (this.#state === State.CONNECTED) {
          this.#sendSubscribes([existing]);
        }
      }
      return existing.ready.promise;
    }
    const subscription = new Channel(channel, handler, this.#storedPositions[channel]);
    delete this.#storedPositions[channel];
    this.#channels.set(channel, subscription);
    if (this.#state === State.CONNECTED) {
      this.#sendSubscribes([subscription]);
    }
    return subscription.ready.promise;
  }

  /** Ends a subscription; resolves when the server confirmed it (at once when not connected). */
  unsubscribe(channel) {
    requireChannel(channel);
    const removed = this.#channels.get(channel);
    this.#channels.delete(channel);
    this.#confirmed.delete(channel);
    this.#awaitingRestore.delete(channel);
    delete this.#storedPositions[channel];
    this.#scheduleSave();
    if (removed) {
      removed.ready.reject(new PushwireError(`unsubscribed from ${channel} before the server confirmed it`));
    }
    if (!removed || this.#state !== State.CONNECTED) {
      // A resumed session that still holds it is answered with an unsubscribe on restore.
      return Promise.resolve();
    }
    return this.#sendUnsubscribe(channel);
  }

  /**
   * Publishes `data` (anything JSON.stringify encodes) on `channel`, where the server's permissions
   * allow it. Resolves when the frame was written to a connection: protocol v1 does not acknowledge
   * publishes, so a refusal (forbidden, rate_limited) comes later through onError. Not connected, it
   * waits in a buffer of publishBufferSize and goes out after the next welcome, in order; rejects at
   * once with PublishBufferFullError when the buffer is full, with code 'too_large' when the frame is over
   * the server's maxFrameBytes, and when the client stops or closes before writing it. A written publish
   * is never sent again.
   */
  publish(channel, data) {
    requireChannel(channel);
    const encoded = JSON.stringify(data);
    if (encoded === undefined) {
      throw new TypeError(`publish data must be JSON, got ${typeof data}`);
    }
    if (this.#state === State.CLOSED) {
      return Promise.reject(new PushwireError('client is closed'));
    }
    return this.#publishes.add(channel, encoded);
  }

  /** Where the client is in each subscribed channel: {channel: {seq, epoch}}; what a resume sends. */
  positions() {
    const positions = {};
    for (const subscription of this.#channels.values()) {
      const position = subscription.position();
      if (position) {
        positions[subscription.name] = position;
      }
    }
    return positions;
  }

  /** A snapshot of the counters. */
  stats() {
    const now = performance.now();
    return {
      state: this.#state,
      clientId: this.clientId,
      ...this.#stats,
      publishBuffered: this.#publishes.size,
      uptimeMs: this.#connectedAt < 0 ? 0 : Math.round(now - this.#connectedAt),
      lastMessageAgeMs: this.#lastInboundAt < 0 ? null : Math.round(now - this.#lastInboundAt),
    };
  }

  /** Closes for good. The session stays in storage: another client in this tab may resume it. */
  close() {
    if (this.#state === State.CLOSED) {
      return;
    }
    this.#generation++;
    this.#cancelTimers();
    clearTimeout(this.#reconnectTimer);
    this.#dropSocket(1000, 'client closed');
    this.#welcomed = false;
    this.#connectedAt = -1;
    const closed = new PushwireError('client is closed');
    this.#failWaiting(closed);
    this.#unsubscribeRequests.forEach((pending) => pending.resolve());
    this.#unsubscribeRequests.clear();
    this.#save();
    clearTimeout(this.#saveTimer);
    globalThis.removeEventListener?.('pagehide', this.#onPageHide);
    this.#setState(State.CLOSED);
  }

  // ---------------------------------------------------------------- connecting

  #startAttempt(automatic) {
    const generation = ++this.#generation;
    this.#stats.connectionAttempts++;
    if (automatic) {
      this.#stats.reconnects++;
    }
    this.#welcomed = false;
    const timeout = this.#options.connectTimeoutMs;
    this.#timers.connect = this.#schedule(timeout, () => {
      if (!this.#welcomed) {
        this.#connectionLost(1006, `no welcome within ${timeout} ms`);
      }
    });
    this.#tokens.forAttempt().then((token) => {
      if (generation === this.#generation) {
        this.#open(generation, token);
      }
    }, (error) => {
      if (generation === this.#generation) {
        this.#notifyError(tokenFunctionFailed(error));
        this.#connectionLost(1006, 'no token');
      }
    });
  }

  #open(generation, token) {
    let ws;
    try {
      ws = new this.#WebSocket(this.#url, SUBPROTOCOL);
    } catch (error) {
      this.#connectionLost(1006, `connect failed: ${error.message}`);
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      if (generation === this.#generation) {
        this.#sendHello(token);
      }
    };
    ws.onmessage = (message) => {
      if (generation === this.#generation) {
        this.#onMessage(generation, message.data);
      }
    };
    // A browser tells nothing about why a handshake failed (refused, 429, 503): onerror, then close 1006.
    ws.onerror = () => {};
    ws.onclose = (close) => {
      if (generation === this.#generation) {
        this.#connectionLost(close.code || 1006, close.reason || (close.wasClean ? '' : 'connection lost'));
      }
    };
  }

  #sendHello(token) {
    const session = this.#session;
    const resume = session !== null
        && (this.#lostAt < 0 || Date.now() - this.#lostAt < session.sessionTtlMs);
    const hello = { type: 'hello', id: this.#nextId++, protocol: PROTOCOL_VERSION };
    this.#remember(hello.id, { type: 'hello' });
    if (token !== null) {
      hello.token = token;
    }
    if (resume) {
      hello.clientId = session.clientId;
      hello.resumeToken = session.resumeToken;
      const positions = this.positions();
      if (Object.keys(positions).length > 0) {
        hello.positions = positions;
      }
    }
    this.#sendFrames([hello]);
  }

  // ---------------------------------------------------------------- inbound

  #onMessage(generation, data) {
    this.#lastInboundAt = performance.now();
    if (typeof data !== 'string') {
      this.#notifyError(new PushwireError('binary message from the server; protocol v1 is text only'));
      return;
    }
    let parsed;
    try {
      parsed = JSON.parse(data);
    } catch (error) {
      this.#notifyError(new PushwireError(`undecodable server message: ${error.message}`));
      return;
    }
    for (const frame of Array.isArray(parsed) ? parsed : [parsed]) {
      if (generation !== this.#generation) {
        return; // the connection ended while handling this message
      }
      if (frame === null || typeof frame !== 'object' || typeof frame.type !== 'string') {
        this.#notifyError(new PushwireError(`server frame without a type: ${JSON.stringify(frame)}`));
        continue;
      }
      this.#dispatch(frame);
    }
    // Time spent in handlers is not silence: nothing was read meanwhile.
    this.#lastInboundAt = performance.now();
  }

  #dispatch(frame) {
    switch (frame.type) {
      case 'event': this.#onEvent(frame); break;
      case 'welcome': this.#onWelcome(frame); break;
      case 'subscribed': this.#onSubscribed(frame); break;
      case 'gap': this.#onGap(frame); break;
      case 'status': this.#notify('onStatus', frame); break;
      case 'unsubscribed': this.#onUnsubscribed(frame); break;
      case 'error': this.#onErrorFrame(frame); break;
      case 'goaway': this.#onGoaway(frame); break;
      // Browsers answer WebSocket pings themselves but never show them; this is the protocol's own ping.
      case 'ping': this.#sendFrames([frame.ts === undefined ? { type: 'pong' } : { type: 'pong', ts: frame.ts }]); break;
      case 'pong': break;
      default: this.#notifyError(new PushwireError(`unexpected '${frame.type}' from the server`));
    }
  }

  #onWelcome(welcome) {
    if (this.#welcomed || (this.#state !== State.CONNECTING && this.#state !== State.RECONNECTING)) {
      this.#notifyError(new PushwireError(`unexpected welcome in state ${this.#state}`));
      return;
    }
    this.#welcomed = true;
    clearTimeout(this.#timers.connect);
    this.#stats.connections++;
    if (welcome.resumed) {
      this.#stats.resumes++;
    }
    this.#session = {
      clientId: welcome.clientId,
      resumeToken: welcome.resumeToken,
      sessionTtlMs: welcome.sessionTtlMs ?? 0,
    };
    this.#lostAt = -1;
    const heartbeat = welcome.heartbeat ?? {};
    this.#heartbeatMs = heartbeat.intervalMs > 0 ? heartbeat.intervalMs + Math.max(0, heartbeat.timeoutMs ?? 0) : 0;
    this.#maxFrameBytes = welcome.limits?.maxFrameBytes > 0 ? welcome.limits.maxFrameBytes : DEFAULT_MAX_FRAME_BYTES;
    this.#connectedAt = performance.now();
    this.#plan.connectedAt = this.#connectedAt;
    this.#setState(State.CONNECTED);
    this.#notify('onConnected', welcome);
    this.#connecting?.resolve();
    this.#armWatchdog(this.#heartbeatMs);
    this.#tokens.connected();
    this.#restoreSubscriptions(welcome.resumed === true);
    this.#publishes.flush();
    this.#save();
  }

  /**
   * resumed: the server restores what its session had confirmed; subscribe only the others, and again
   * any it has not restored within RESTORE_TIMEOUT_MS (a duplicate subscribe only replaces, and the
   * replay is de-duplicated). Not resumed: a fresh session; subscribe everything with `since`.
   */
  #restoreSubscriptions(resumed) {
    const toSend = [];
    this.#awaitingRestore.clear();
    if (resumed) {
      for (const subscription of this.#channels.values()) {
        if (this.#confirmed.has(subscription.name)) {
          this.#awaitingRestore.add(subscription.name);
        } else {
          toSend.push(subscription);
        }
      }
      if (this.#awaitingRestore.size > 0) {
        this.#timers.restore = this.#schedule(RESTORE_TIMEOUT_MS, () => {
          const missing = [...this.#awaitingRestore].map((name) => this.#channels.get(name)).filter(Boolean);
          this.#awaitingRestore.clear();
          this.#sendSubscribes(missing);
        });
      }
    } else {
      this.#confirmed.clear();
      toSend.push(...this.#channels.values());
    }
    this.#sendSubscribes(toSend);
  }

  #onSubscribed(subscribed) {
    const request = subscribed.id == null ? undefined : this.#subscribeRequests.get(subscribed.id);
    this.#subscribeRequests.delete(subscribed.id);
    this.#awaitingRestore.delete(subscribed.channel);
    const subscription = this.#channels.get(subscribed.channel);
    if (!subscription) {
      if (!request) {
        // Restored by a resumed session, but the application unsubscribed meanwhile.
        this.#sendUnsubscribe(subscribed.channel);
      }
      return;
    }
    this.#confirmed.add(subscribed.channel);
    subscription.onSubscribed(subscribed);
    subscription.ready.resolve(subscribed);
    this.#scheduleSave();
  }

  #onEvent(event) {
    const subscription = this.#channels.get(event.channel);
    if (!subscription) {
      return; // in flight when the application unsubscribed
    }
    if (!subscription.offer(event)) {
      this.#stats.duplicatesDropped++;
      return;
    }
    this.#stats.eventsReceived++;
    this.#scheduleSave();
    try {
      subscription.handler(event);
    } catch (error) {
      this.#notifyError(new PushwireError(`handler of '${event.channel}' threw on seq ${event.seq}: ${error?.message ?? error}`));
    }
  }

  #onGap(gap) {
    const news = this.#channels.get(gap.channel)?.onGap(gap);
    if (news) {
      this.#stats.gaps++;
      this.#scheduleSave();
      this.#notify('onGap', news);
    }
  }

  #onUnsubscribed(frame) {
    const pending = frame.id == null ? undefined : this.#unsubscribeRequests.get(frame.id);
    if (pending) {
      this.#unsubscribeRequests.delete(frame.id);
      pending.resolve();
    }
  }

  #onErrorFrame(error) {
    const rateLimited = error.code === 'rate_limited';
    const retryAfter = typeof error.retryAfterMs === 'number' ? Math.max(0, error.retryAfterMs) : -1;
    if (retryAfter >= 0) {
      this.#plan.notBefore = Math.max(this.#plan.notBefore, performance.now() + retryAfter);
    }
    const subscribe = error.id == null ? undefined : this.#subscribeRequests.get(error.id);
    if (subscribe) {
      this.#subscribeRequests.delete(error.id);
      this.#onSubscribeRefused(subscribe, error, rateLimited, retryAfter);
      return;
    }
    const unsubscribe = error.id == null ? undefined : this.#unsubscribeRequests.get(error.id);
    if (unsubscribe) {
      this.#unsubscribeRequests.delete(error.id);
      unsubscribe.resolve(); // locally the channel is gone already
      if (rateLimited) {
        this.#schedule(retryAfter, () => {
          if (!this.#channels.has(unsubscribe.channel)) {
            this.#sendUnsubscribe(unsubscribe.channel);
          }
        });
      }
      return;
    }
    const request = error.id == null ? undefined : this.#recentRequests.get(error.id);
    this.#recentRequests.delete(error.id);
    if (rateLimited) {
      this.#publishes.holdBack(Math.max(0, retryAfter));
      if (request?.type === 'refresh') {
        this.#tokens.retry(request.token, Math.max(0, retryAfter));
        return;
      }
    }
    if (error.code === 'token_expired') {
      this.#tokens.refreshNow();
    }
    // Without an id: resume_failed after a fresh welcome, or a position the server could not serve on
    // resume (it restores that channel from its head; Channel.onSubscribed follows it).
    const refused = request?.type === 'publish' ? `publish to '${request.channel}' refused: `
      : request?.type === 'refresh' ? 'token refresh refused: '
        : request?.type === 'hello' ? 'hello refused: ' : '';
    this.#notifyError(serverError(error, refused));
  }

  #onSubscribeRefused({ subscription, frame }, error, rateLimited, retryAfter) {
    if (this.#channels.get(subscription.name) !== subscription) {
      return; // unsubscribed meanwhile
    }
    if (rateLimited) {
      // Not processed: ask again when the server said it will accept it.
      this.#schedule(retryAfter, () => {
        if (this.#channels.get(subscription.name) === subscription) {
          this.#sendSubscribes([subscription]);
        }
      });
      return;
    }
    if (error.code === 'bad_request' && frame.since) {
      // The server cannot serve our position (ahead of its head): start again from the head.
      this.#notifyError(serverError(error, `subscribe to '${subscription.name}' with since ${JSON.stringify(frame.since)} refused; subscribing from the head: `));
      subscription.forgetPosition();
      this.#sendSubscribes([subscription]);
      return;
    }
    this.#channels.delete(subscription.name);
    this.#confirmed.delete(subscription.name);
    const refused = serverError(error);
    this.#stats.lastError = refused.message;
    if (subscription.ready.settled) {
      this.#notify('onSubscriptionFailed', subscription.name, refused);
    } else {
      subscription.ready.reject(refused);
    }
  }

  /**
   * The server is draining: stay connected and keep receiving until reconnectAfterMs (plus a small
   * jitter; the server already spreads the delay over its clients), then move, with resume.
   */
  #onGoaway(goaway) {
    const d = Math.max(0, goaway.reconnectAfterMs ?? 0);
    const initial = this.#options.reconnectInitialDelayMs;
    const delay = d + this.#jitter(d > 0 ? Math.min(d, initial) : initial);
    this.#plan.goawayAt = performance.now() + delay;
    clearTimeout(this.#timers.goaway);
    this.#timers.goaway = this.#schedule(delay, () => {
      if (this.#state === State.CONNECTED) {
        this.#connectionLost(1001, `server draining (goaway: ${goaway.reason ?? ''})`);
      }
    });
  }

  // ---------------------------------------------------------------- losing a connection

  #connectionLost(code, reason) {
    const wasConnected = this.#welcomed;
    this.#generation++;
    this.#cancelTimers();
    // A socket we give up on may never finish a close handshake (half-open TCP); its events are stale now.
    this.#dropSocket(1000, 'reconnecting');
    this.#welcomed = false;
    this.#connectedAt = -1;
    if (wasConnected) {
      this.#stats.disconnects++;
      this.#lostAt = Date.now();
    } else {
      this.#stats.connectionFailures++;
    }
    this.#subscribeRequests.clear();
    this.#recentRequests.clear();
    this.#publishes.connectionEnded();
    this.#tokens.connectionEnded();
    this.#awaitingRestore.clear();
    this.#unsubscribeRequests.forEach((pending) => pending.resolve());
    this.#unsubscribeRequests.clear();
    this.#stats.lastError = `connection closed: ${code} ${reason}`;

    const plan = this.#planLost(code);
    if (plan.reconnect) {
      this.#stats.reconnectAttempt = plan.attempt;
      if (!this.#connecting || this.#connecting.settled) {
        this.#connecting = deferred(); // what connect() returns until the next welcome
      }
      this.#setState(State.RECONNECTING);
      this.#notify('onDisconnected', code, reason);
      const generation = this.#generation;
      this.#reconnectTimer = setTimeout(() => {
        if (generation === this.#generation && this.#state === State.RECONNECTING) {
          this.#startAttempt(true);
        }
      }, plan.delayMs);
      this.#notify('onReconnecting', plan.attempt, plan.delayMs);
    } else {
      const stopped = new PushwireError(`stopped reconnecting: ${plan.stopReason} (last close ${code} ${reason})`,
          { closeCode: code });
      this.#stats.lastError = stopped.message;
      if (code === 4003) {
        // Another connection (a duplicated tab shares this tab's sessionStorage) owns the session now;
        // a later connect() must not take it back, so start afresh then.
        this.#session = null;
        this.#confirmed.clear();
      }
      this.#setState(State.DISCONNECTED);
      this.#notify('onDisconnected', code, reason);
      this.#failWaiting(stopped);
      this.#notify('onStopped', stopped);
    }
    this.#save();
  }

  /**
   * Whether and when to reconnect after a close with `code` (ReconnectPlanner in the SDK). Full-jitter
   * backoff: attempt n waits uniformly in [0, min(max, initial * multiplier^(n-1))]; the counter resets
   * after a connection stayed up stableConnectionAfterMs. A server-given floor (retryAfterMs, 4429,
   * 4002) is added to, not replaced by, the jittered backoff; a goaway replaces the backoff.
   */
  #planLost(code) {
    const plan = this.#plan;
    const options = this.#options;
    const now = performance.now();
    if (plan.connectedAt >= 0 && now - plan.connectedAt >= options.stableConnectionAfterMs) {
      plan.attempts = 0;
      plan.unauthorizedInARow = 0;
    }
    plan.connectedAt = -1;
    const goawayAt = plan.goawayAt;
    let floor = Math.max(0, plan.notBefore - now);
    plan.goawayAt = -1;
    plan.notBefore = -Infinity;

    const terminal = this.#terminalReason(code);
    if (terminal) {
      return { reconnect: false, stopReason: terminal };
    }
    if (plan.attempts >= options.maxReconnectAttempts) {
      return { reconnect: false, stopReason: options.maxReconnectAttempts === 0
        ? 'reconnecting is disabled (maxReconnectAttempts 0)'
        : `gave up after ${plan.attempts} reconnect attempts` };
    }
    plan.attempts++;
    if (goawayAt >= 0) {
      return { reconnect: true, attempt: plan.attempts, delayMs: Math.round(Math.max(floor, goawayAt - now)) };
    }
    if (code === 4429) {
      floor = Math.max(floor, options.reconnectMaxDelayMs); // rate-limit abuse: back off hard
    } else if (code === 4002) {
      floor = Math.max(floor, options.reconnectInitialDelayMs); // overloaded
    }
    const ceiling = Math.min(options.reconnectMaxDelayMs,
        options.reconnectInitialDelayMs * options.reconnectMultiplier ** (plan.attempts - 1));
    return { reconnect: true, attempt: plan.attempts, delayMs: Math.round(floor + this.#jitter(ceiling)) };
  }

  /** Close codes after which reconnecting cannot help; null for the others (1000, 1001, 1006, 4000-4099, ...). */
  #terminalReason(code) {
    if (code === 4401) {
      this.#plan.unauthorizedInARow++;
      if (typeof this.#options.token !== 'function') {
        return 'unauthorized (4401) and no token function to get a new token';
      }
      return this.#plan.unauthorizedInARow > 1 ? 'unauthorized (4401) again with a fresh token' : null;
    }
    this.#plan.unauthorizedInARow = 0;
    if (code === 1009) {
      return "a message was over the server's maxFrameBytes (1009)";
    }
    if (code === 4003) {
      return 'the session was taken over by a newer connection (4003)';
    }
    if (code >= 4400 && code <= 4499 && code !== 4429) {
      return `terminal close code ${code}`;
    }
    return null;
  }

  /** Fails what waits for a connection that will not come: connect(), unconfirmed subscribes, buffered publishes. */
  #failWaiting(error) {
    this.#connecting?.reject(error);
    for (const subscription of this.#channels.values()) {
      subscription.ready.reject(error);
    }
    this.#publishes.failAll(error);
  }

  // ---------------------------------------------------------------- heartbeat watchdog

  /**
   * The server pings a connection it has not written to for intervalMs, so hearing nothing for
   * interval + timeout means the connection is dead, typically half-open TCP that the browser would
   * not notice for many minutes. Timers in background tabs can fire late; that delays the check but
   * cannot cause a false alarm, since the check compares timestamps.
   */
  #armWatchdog(delayMs) {
    if (delayMs > 0) {
      this.#timers.watchdog = this.#schedule(delayMs, () => {
        const silent = performance.now() - this.#lastInboundAt;
        if (silent < this.#heartbeatMs) {
          this.#armWatchdog(this.#heartbeatMs - silent);
        } else {
          this.#connectionLost(4000, `heartbeat timeout: nothing from the server for ${Math.round(silent)} ms`
              + ` (interval + timeout ${this.#heartbeatMs} ms)`);
        }
      });
    }
  }

  // ---------------------------------------------------------------- outbound

  #sendSubscribes(subscriptions) {
    const frames = subscriptions.map((subscription) => {
      const frame = { type: 'subscribe', id: this.#nextId++, channel: subscription.name };
      const since = subscription.position();
      if (since) {
        frame.since = since;
      }
      this.#subscribeRequests.set(frame.id, { subscription, frame });
      return frame;
    });
    this.#sendFrames(frames);
  }

  #sendUnsubscribe(channel) {
    const id = this.#nextId++;
    const done = deferred();
    done.channel = channel;
    this.#unsubscribeRequests.set(id, done);
    this.#sendFrames([{ type: 'unsubscribe', id, channel }]);
    return done.promise;
  }

  #sendFrames(frames) {
    this.#sendEncoded(frames.map((frame) => JSON.stringify(frame)));
  }

  /** Sends encoded frames in as few messages as the server's limits allow: one object, or batches (arrays). */
  #sendEncoded(texts) {
    const ws = this.#ws;
    if (!this.#isOpen() || texts.length === 0) {
      return;
    }
    let batch = [];
    let bytes = 2;
    const flush = () => {
      ws.send(batch.length === 1 ? batch[0] : `[${batch.join(',')}]`);
      batch = [];
      bytes = 2;
    };
    for (const text of texts) {
      const length = utf8Length(text);
      if (batch.length > 0 && (batch.length === MAX_BATCH_FRAMES || bytes + length + 1 > this.#maxFrameBytes)) {
        flush();
      }
      batch.push(text);
      bytes += length + 1;
    }
    flush();
  }

  #isOpen() {
    return this.#ws !== null && this.#ws.readyState === OPEN;
  }

  /** Keeps what a request asked, so that an error reply to it can say what was refused. */
  #remember(id, request) {
    this.#recentRequests.set(id, request);
    if (this.#recentRequests.size > RECENT_REQUESTS_KEPT) {
      this.#recentRequests.delete(this.#recentRequests.keys().next().value);
    }
  }

  /**
   * What the publish buffer and the token refresher may do with the current connection. Their timers
   * and callbacks pass the generation check, so nothing of theirs outlives the connection it was for.
   */
  #link() {
    return {
      isConnected: () => this.#state === State.CONNECTED && this.#isOpen(),
      maxFrameBytes: () => this.#maxFrameBytes,
      schedule: (delayMs, task) => this.#schedule(delayMs, task),
      soon: (task) => {
        const generation = this.#generation;
        queueMicrotask(() => {
          if (generation === this.#generation) {
            task();
          }
        });
      },
      /** Calls then(value) or failed(error) when `promise` settles, unless the connection changed meanwhile. */
      whenSettled: (promise, then, failed) => {
        const generation = this.#generation;
        promise.then((value) => {
          if (generation === this.#generation) {
            then(value);
          }
        }, (error) => {
          if (generation === this.#generation) {
            failed(error);
          }
        });
      },
      nextId: () => this.#nextId++,
      /** Sends requests that only an error answers: [{id, text (the encoded frame), request (what it asked)}]. */
      sendRequests: (requests) => {
        for (const { id, request } of requests) {
          this.#remember(id, request);
        }
        this.#sendEncoded(requests.map(({ text }) => text));
      },
      error: (error) => this.#notifyError(error),
    };
  }

  // ---------------------------------------------------------------- storage

  /** Reads what a previous page of this tab left: the session to resume and the positions. */
  #load() {
    let saved;
    try {
      saved = JSON.parse(this.#storage?.getItem(this.#storageKey) ?? 'null');
    } catch {
      return; // storage disabled or garbage: start afresh
    }
    if (!saved || typeof saved !== 'object') {
      return;
    }
    if (typeof saved.clientId === 'string' && typeof saved.resumeToken === 'string') {
      this.#session = { clientId: saved.clientId, resumeToken: saved.resumeToken, sessionTtlMs: saved.sessionTtlMs ?? 0 };
      this.#lostAt = typeof saved.savedAt === 'number' ? saved.savedAt : Date.now();
      for (const channel of Array.isArray(saved.confirmed) ? saved.confirmed : []) {
        this.#confirmed.add(channel);
      }
    }
    for (const [channel, position] of Object.entries(saved.positions ?? {})) {
      if (typeof position?.epoch === 'string' && Number.isInteger(position?.seq)) {
        this.#storedPositions[channel] = { seq: position.seq, epoch: position.epoch };
      }
    }
  }

  #scheduleSave() {
    if (this.#saveTimer === null && this.#storage) {
      this.#saveTimer = setTimeout(() => {
        this.#saveTimer = null;
        this.#save();
      }, SAVE_EVERY_MS);
    }
  }

  #save() {
    if (!this.#storage) {
      return;
    }
    const session = this.#session;
    const state = {
      clientId: session?.clientId ?? null,
      resumeToken: session?.resumeToken ?? null,
      sessionTtlMs: session?.sessionTtlMs ?? 0,
      savedAt: Date.now(),
      confirmed: [...this.#confirmed],
      positions: { ...this.#storedPositions, ...this.positions() },
    };
    try {
      this.#storage.setItem(this.#storageKey, JSON.stringify(state));
    } catch {
      // quota or disabled storage: a reload then starts a fresh session, nothing worse
    }
  }

  // ---------------------------------------------------------------- helpers

  #schedule(delayMs, task) {
    const generation = this.#generation;
    return setTimeout(() => {
      if (generation === this.#generation) {
        task();
      }
    }, delayMs);
  }

  #cancelTimers() {
    for (const name of Object.keys(this.#timers)) {
      clearTimeout(this.#timers[name]);
      this.#timers[name] = null;
    }
  }

  #dropSocket(code, reason) {
    const ws = this.#ws;
    this.#ws = null;
    if (ws && ws.readyState !== CLOSED) {
      try {
        ws.close(code, reason);
      } catch {
        // closing a socket that is still connecting can throw in some browsers; it is abandoned anyway
      }
    }
  }

  #jitter(bound) {
    return Math.round(this.#options.random() * bound);
  }

  #setState(next) {
    const previous = this.#state;
    if (previous !== next) {
      this.#state = next;
      this.#notify('onStateChange', previous, next);
    }
  }

  #notifyError(error) {
    this.#stats.lastError = error.message;
    this.#notify('onError', error);
  }

  /** Runs an application callback; one that throws is logged, never allowed to break the client. */
  #notify(name, ...args) {
    const callback = this.#callbacks[name];
    if (callback) {
      try {
        callback(...args);
      } catch (error) {
        console.error(`pushwire: ${name} threw`, error);
      }
    }
  }
}

/**
 * One channel the application subscribed to and where it is in it: (epoch, seq) of the last event
 * delivered, or the last seq a gap moved past. This is what makes delivery at-most-once and in order
 * whatever the server replays (ChannelSubscription in the SDK).
 */
class Channel {
  constructor(name, handler, position) {
    this.name = name;
    this.handler = handler;
    this.epoch = position?.epoch ?? null;
    this.seq = position?.seq ?? 0;
    /**
     * The position is the head a fresh `subscribed` reported and nothing was delivered yet: what the
     * server sends first is accepted even at or below it ($me's held events, a snapshot).
     */
    this.provisional = false;
    /** Epochs this channel left; their events are stale. Oldest first, bounded. */
    this.retired = [];
    this.ready = deferred();
  }

  position() {
    return this.epoch === null ? null : { seq: this.seq, epoch: this.epoch };
  }

  /**
   * A first subscription starts at the head. A known epoch keeps the position (the replay asked with
   * `since` follows), unless the head is behind it (the server could not serve it and restarted the
   * channel from its head). Another epoch voids the old numbering: the server says so with
   * `gap epoch_changed` and replays the new epoch from its start.
   */
  onSubscribed(subscribed) {
    if (this.epoch === null) {
      this.epoch = subscribed.epoch;
      this.seq = subscribed.seq;
      this.provisional = true;
    } else if (this.epoch !== subscribed.epoch) {
      this.#retire(this.epoch);
      this.retired = this.retired.filter((epoch) => epoch !== subscribed.epoch);
      this.epoch = subscribed.epoch;
      this.seq = 0;
      this.provisional = false;
    } else if (subscribed.seq < this.seq) {
      this.seq = subscribed.seq;
    }
  }

  /** Whether the event is new to the application; moves the position when it is. */
  offer(event) {
    if (this.retired.includes(event.epoch)) {
      return false;
    }
    if (event.epoch === this.epoch) {
      if (event.seq <= this.seq && !this.provisional) {
        return false;
      }
    } else if (this.epoch !== null) {
      this.#retire(this.epoch); // a new epoch without a subscribed announcing it
    }
    this.epoch = event.epoch;
    this.seq = event.seq;
    this.provisional = false;
    return true;
  }

  /** Moves past seqs that will never come; returns the gap trimmed to what is news, or null. */
  onGap(gap) {
    if (gap.reason === 'epoch_changed') {
      this.seq = Math.max(this.seq, gap.toSeq);
      return gap;
    }
    if (this.provisional && gap.toSeq >= gap.fromSeq) {
      this.provisional = false;
      this.seq = gap.toSeq;
      return gap;
    }
    if (gap.toSeq <= this.seq || gap.toSeq < gap.fromSeq) {
      return null; // a replay repeating what was announced or delivered before
    }
    const from = Math.max(gap.fromSeq, this.seq + 1);
    this.seq = gap.toSeq;
    return from === gap.fromSeq ? gap : { ...gap, fromSeq: from };
  }

  forgetPosition() {
    this.epoch = null;
    this.seq = 0;
    this.provisional = false;
  }

  #retire(epoch) {
    if (!this.retired.includes(epoch)) {
      if (this.retired.length === RETIRED_EPOCHS_KEPT) {
        this.retired.shift();
      }
      this.retired.push(epoch);
    }
  }
}

/**
 * Publishes the application made that are not written yet (PublishBuffer in the SDK). While the client is
 * not connected, or the server's rate limit holds publishing back, they wait here, at most `capacity`;
 * then they go out in order, in as few messages as the server's limits allow. Each one's promise settles
 * when it is written (handed to the socket) or can no longer be.
 */
class PublishBuffer {
  #capacity;
  #link;
  /** {channel, data (encoded), done (deferred)}, oldest first. */
  #queue = [];
  #flushQueued = false;
  /** performance.now() until which the server's rate limit holds publishing back. */
  #pausedUntil = -Infinity;

  constructor(capacity, link) {
    this.#capacity = capacity;
    this.#link = link;
  }

  /** Publishes accepted and not yet written: stats().publishBuffered. */
  get size() {
    return this.#queue.length;
  }

  /** Queues a publish, or refuses it at once when the buffer is full. Connected, it goes out with its burst. */
  add(channel, data) {
    if (this.#queue.length >= this.#capacity) {
      return Promise.reject(new PublishBufferFullError(this.#capacity));
    }
    const done = deferred();
    this.#queue.push({ channel, data, done });
    if (!this.#flushQueued && this.#link.isConnected()) {
      // Publishes made in one burst (one task of the page) go out together, as one batch message.
      this.#flushQueued = true;
      this.#link.soon(() => {
        this.#flushQueued = false;
        this.flush();
      });
    }
    return done.promise;
  }

  /**
   * Writes what is queued, in order, unless the client is not connected or publishing is held back. A
   * publish over the server's maxFrameBytes fails with too_large instead of being sent: the server would
   * close the connection for it (1009, terminal).
   */
  flush() {
    if (!this.#link.isConnected() || this.#queue.length === 0 || performance.now() < this.#pausedUntil) {
      return;
    }
    const queued = this.#queue;
    this.#queue = [];
    const maxFrameBytes = this.#link.maxFrameBytes();
    const requests = [];
    const written = [];
    for (const { channel, data, done } of queued) {
      const id = this.#link.nextId();
      const text = `{"type":"publish","id":${id},"channel":${JSON.stringify(channel)},"data":${data}}`;
      const bytes = utf8Length(text);
      if (bytes > maxFrameBytes) {
        done.reject(new PushwireError(`publish to '${channel}' is ${bytes} bytes, over the server's maxFrameBytes ${maxFrameBytes}`,
          { code: 'too_large' }));
        continue;
      }
      requests.push({ id, text, request: { type: 'publish', channel } });
      written.push(done);
    }
    this.#link.sendRequests(requests);
    written.forEach((done) => done.resolve());
  }

  /** The server refused a frame as rate limited: publish nothing for `delayMs`, then go on. */
  holdBack(delayMs) {
    const until = performance.now() + delayMs;
    if (until > this.#pausedUntil) {
      this.#pausedUntil = until;
      this.#link.schedule(delayMs, () => this.flush());
    }
  }

  /** Fails every queued publish: the client stopped or closed, and they will not be written. */
  failAll(error) {
    const queued = this.#queue;
    this.#queue = [];
    queued.forEach(({ done }) => done.reject(error));
  }

  /** The connection ended: queued publishes wait for the next one, and its rate limit no longer holds. */
  connectionEnded() {
    this.#flushQueued = false;
    this.#pausedUntil = -Infinity;
  }
}

/**
 * The token a connection presents, and keeping it fresh (TokenRefresher in the SDK). A fixed token (or
 * none) is simply presented. A token function is asked before every connection attempt and, when its
 * token is a JWT with `exp`, again `marginMs` before that (at the latest at half the remaining lifetime,
 * at the soonest a second later); a new token goes to the server as `refresh` on the live connection.
 */
class TokenRefresher {
  #token;
  #marginMs;
  #link;
  /** The token the current connection presented, or the newer one it refreshed to. */
  #current = null;
  /** The function is being asked for a refresh: one question at a time. */
  #refreshing = false;
  #timer = null;

  constructor(token, marginMs, link) {
    this.#token = token;
    this.#marginMs = marginMs;
    this.#link = link;
  }

  /** The token for a new connection attempt (null for none); rejects when the token function fails. */
  forAttempt() {
    return this.#ask().then((token) => {
      this.#current = token;
      return token;
    });
  }

  /** The welcome arrived: refresh before the token expires. */
  connected() {
    this.#scheduleRefresh();
  }

  /** Asks the token function now (the server said token_expired, or it is time); sends a new token. */
  refreshNow() {
    if (typeof this.#token !== 'function' || this.#refreshing || !this.#link.isConnected()) {
      return;
    }
    this.#refreshing = true;
    this.#link.whenSettled(this.#ask(), (token) => {
      this.#refreshing = false;
      if (token !== null && token !== this.#current) {
        this.#current = token;
        this.#send(token);
      }
      // The same token, or none: look again later (at the latest at half the remaining lifetime).
      this.#scheduleRefresh();
    }, (error) => {
      this.#refreshing = false;
      this.#link.error(tokenFunctionFailed(error));
    });
  }

  /** The server refused a refresh as rate limited: send it again after `delayMs`, if still current. */
  retry(token, delayMs) {
    this.#link.schedule(delayMs, () => this.#send(token));
  }

  /** The connection ended: a refresh timer or question of its own is void. */
  connectionEnded() {
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#refreshing = false;
  }

  #ask() {
    try {
      const token = typeof this.#token === 'function' ? this.#token() : this.#token;
      return Promise.resolve(token).then((value) => value ?? null);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  #scheduleRefresh() {
    clearTimeout(this.#timer);
    if (typeof this.#token !== 'function') {
      return;
    }
    const expiry = jwtExpiryMs(this.#current);
    const delay = expiry === null ? null : refreshDelayMs(expiry, Date.now(), this.#marginMs);
    if (delay !== null) {
      // setTimeout fires at once when asked for more than MAX_TIMER_MS: wait that long, then look again.
      this.#timer = this.#link.schedule(Math.min(delay, MAX_TIMER_MS),
        () => (delay <= MAX_TIMER_MS ? this.refreshNow() : this.#scheduleRefresh()));
    }
  }

  #send(token) {
    if (this.#link.isConnected() && token === this.#current) {
      const id = this.#link.nextId();
      this.#link.sendRequests([{ id, text: JSON.stringify({ type: 'refresh', id, token }), request: { type: 'refresh', token } }]);
    }
  }
}

/** The `exp` of a JWT in epoch ms, or null when the token is not a JWT with a numeric exp. Not verified. */
function jwtExpiryMs(token) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3 || parts[0] === '') {
    return null;
  }
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '=')));
    const exp = claims?.exp;
    return typeof exp === 'number' && exp > 0 && Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * How long from `nowMs` to wait before refreshing a token that expires at `expiryMs`: `marginMs` before,
 * but never later than half the remaining lifetime and never sooner than a second (Tokens in the SDK).
 * Null when it has expired already: only a new connection, which asks the token function again, can help.
 */
function refreshDelayMs(expiryMs, nowMs, marginMs) {
  const remaining = expiryMs - nowMs;
  if (remaining <= 0) {
    return null;
  }
  const delay = Math.max(remaining - marginMs, remaining / 2);
  return Math.round(Math.max(delay, Math.min(MIN_REFRESH_DELAY_MS, remaining)));
}

function tokenFunctionFailed(error) {
  return new PushwireError(`token function failed: ${error?.message ?? error}`);
}

function utf8Length(text) {
  return new TextEncoder().encode(text).length;
}

/** A promise with its settle functions; it never reports an unhandled rejection itself. */
function deferred() {
  const result = { settled: false, failed: false };
  result.promise = new Promise((resolve, reject) => {
    result.resolve = (value) => {
      result.settled = true;
      resolve(value);
    };
    result.reject = (error) => {
      if (!result.settled) {
        result.failed = true;
        result.settled = true;
      }
      reject(error);
    };
  });
  // Failing a subscribe nobody awaits (the client stopped, say) is not worth a console error; the
  // application's own .then() chains still see the rejection.
  result.promise.catch(() => {});
  return result;
}

function serverError(error, prefix = '') {
  return new PushwireError(`${prefix}${error.code}: ${error.message ?? ''}`,
      { code: error.code ?? null, retryAfterMs: error.retryAfterMs ?? null });
}

function resolveUrl(url) {
  const resolved = new URL(url, globalThis.location?.href);
  if (resolved.protocol === 'http:') {
    resolved.protocol = 'ws:';
  } else if (resolved.protocol === 'https:') {
    resolved.protocol = 'wss:';
  }
  if (resolved.protocol !== 'ws:' && resolved.protocol !== 'wss:') {
    throw new TypeError(`not a WebSocket URL: ${url}`);
  }
  return resolved.href;
}

const CHANNEL_NAME = /^[A-Za-z0-9._:@$-]{1,128}$/;

function requireChannel(channel) {
  if (typeof channel !== 'string' || !CHANNEL_NAME.test(channel)) {
    throw new TypeError(`invalid channel name '${channel}': 1 to 128 characters of [A-Za-z0-9._:@$-]`);
  }
}

function defaultStorage() {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // access denied (sandboxed iframe, storage disabled)
  }
}
