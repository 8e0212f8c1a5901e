// Types of pushwire.js, the Pushwire browser client (protocol v1: docs/PROTOCOL.md). Usage, options and
// behaviour: docs/BROWSER.md. Kept by hand beside the source; `npm test` type-checks test/types.ts,
// which uses every declaration here.

/** A JSON value, as `event.data` carries it and `publish` sends it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The client's states; `client.state` is one of these strings. */
export declare const State: {
  /** Not trying: before connect(), or after the client gave up by itself (onStopped says why). */
  readonly DISCONNECTED: 'disconnected';
  /** The first attempt after connect(): opening the socket or waiting for welcome. */
  readonly CONNECTING: 'connecting';
  /** welcome has arrived. */
  readonly CONNECTED: 'connected';
  /** A connection or an attempt failed: waiting out the backoff, or trying again. */
  readonly RECONNECTING: 'reconnecting';
  /** close() was called. Final. */
  readonly CLOSED: 'closed';
};
export type State = (typeof State)[keyof typeof State];

/** The server's error codes (docs/PROTOCOL.md); treat one not listed like `bad_request`. */
export type ErrorCode =
  | 'bad_request' | 'unauthorized' | 'forbidden' | 'token_expired' | 'unknown_channel' | 'rate_limited'
  | 'too_large' | 'resume_failed' | 'internal' | 'limit_exceeded';

/** The one error type of the client. */
export declare class PushwireError extends Error {
  constructor(message: string, details?: { code?: string | null; closeCode?: number; retryAfterMs?: number | null });
  /** The server's error code (`too_large` also for a publish the client would not send); null for local failures. */
  readonly code: ErrorCode | (string & {}) | null;
  /** The WebSocket close code the client stopped at (onStopped, a rejected connect()); 0 otherwise. */
  readonly closeCode: number;
  /** From the server's error: when it will accept the request again. */
  readonly retryAfterMs: number | null;
}

/** publish() rejects with this at once when publishBufferSize publishes are waiting already. Nothing was queued. */
export declare class PublishBufferFullError extends PushwireError {
  constructor(capacity: number);
  /** The buffer's size, publishBufferSize. */
  readonly capacity: number;
}

/** Where a client is in a channel: the last event delivered, or the last seq a gap moved past. */
export interface Position {
  seq: number;
  epoch: string;
}

/** A published item, as `handler(event)` gets it. */
export interface PushwireEvent<T = Json> {
  type: 'event';
  channel: string;
  seq: number;
  epoch: string;
  /** The server's publish time, epoch ms. */
  ts: number;
  data: T;
}

/** The server's reply to hello. */
export interface Welcome {
  type: 'welcome';
  id: number;
  clientId: string;
  resumeToken: string;
  /** Whether the session (subscriptions, positions, $me) was kept. */
  resumed: boolean;
  heartbeat: { intervalMs: number; timeoutMs: number };
  limits: { ratePerSec: number; burst: number; maxFrameBytes: number };
  sessionTtlMs: number;
}

/** What subscribe() resolves with: the first `subscribed` for the channel. */
export interface Subscribed {
  type: 'subscribed';
  /** Absent when the server restored the subscription itself after a resume. */
  id?: number;
  channel: string;
  epoch: string;
  /** The head: the last seq published when the subscription started. */
  seq: number;
  recovered: boolean;
  replayed: number;
}

export type GapReason = 'history_expired' | 'epoch_changed' | 'dropped_slow_consumer' | 'conflated' | 'upstream';

/** Seqs the application will not get (only the part it has not seen, never twice). */
export interface Gap {
  type: 'gap';
  channel: string;
  fromSeq: number;
  /** Inclusive. */
  toSeq: number;
  reason: GapReason | (string & {});
}

/** A channel's upstream feed is down (`stale: true`) or back. */
export interface Status {
  type: 'status';
  channel: string;
  stale: boolean;
  reason?: string;
}

/** The counters of stats(). */
export interface Stats {
  state: State;
  clientId: string | null;
  connectionAttempts: number;
  connections: number;
  connectionFailures: number;
  /** Attempts the client started by itself after a loss. */
  reconnects: number;
  resumes: number;
  disconnects: number;
  /** The latest reconnect attempt's number since the last stable connection (0 before any). */
  reconnectAttempt: number;
  eventsReceived: number;
  duplicatesDropped: number;
  gaps: number;
  /** Publishes accepted and not yet written to a connection. */
  publishBuffered: number;
  lastError: string | null;
  /** How long the current connection has been up; 0 when not connected. */
  uptimeMs: number;
  /** Since the last message from the server; null before the first. */
  lastMessageAgeMs: number | null;
}

/** Where the session and positions survive a reload: sessionStorage by default. */
export interface PushwireStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The WebSocket class the client opens connections with: the browser's, Node.js 22's, or the ws package's. */
export interface WebSocketClass {
  new (url: string, protocols?: string | string[]): WebSocketLike;
}

/** What the client uses of a WebSocket. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: any) => void) | null;
  onmessage: ((event: { data: any }) => void) | null;
  onerror: ((event: any) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Application callbacks, all optional, all called synchronously; one that throws is logged and ignored. */
export interface PushwireCallbacks {
  /** Every transition, before the more specific callbacks. */
  onStateChange?(from: State, to: State): void;
  /** Every welcome. */
  onConnected?(welcome: Welcome): void;
  /** A connection or an attempt ended: the close code (1006 broken, 4000 client watchdog, 1001 goaway move). */
  onDisconnected?(code: number, reason: string): void;
  /** A reconnect is scheduled. */
  onReconnecting?(attempt: number, delayMs: number): void;
  /** The client gave up by itself and is disconnected; `error.closeCode` holds the last close code. */
  onStopped?(error: PushwireError): void;
  onGap?(gap: Gap): void;
  onStatus?(status: Status): void;
  /**
   * Failures that answer no call: an error frame without an id (resume_failed), a refused publish or
   * token refresh, a failing token function, an undecodable message, a handler that threw.
   */
  onError?(error: PushwireError): void;
  /** The server refused a subscription the client was restoring after a reconnect; it is dropped. */
  onSubscriptionFailed?(channel: string, error: PushwireError): void;
}

export interface PushwireOptions extends PushwireCallbacks {
  /** One attempt, from opening the socket to welcome. Default 10000. */
  connectTimeoutMs?: number;
  /** Top of the first backoff window. Default 500. */
  reconnectInitialDelayMs?: number;
  /** Cap of the backoff window; the least wait after 4429. Default 30000. */
  reconnectMaxDelayMs?: number;
  /** Growth of the window per failed attempt. Default 2. */
  reconnectMultiplier?: number;
  /** Consecutive attempts before giving up; 0: never reconnect. Default Infinity. */
  maxReconnectAttempts?: number;
  /** A connection up this long resets the attempt counter. Default 10000. */
  stableConnectionAfterMs?: number;
  /**
   * Sent in every hello. A function is asked before every attempt and, when its token is a JWT with
   * `exp`, again tokenRefreshMarginMs before it expires (sent as `refresh`); it may return null for none.
   */
  token?: string | null | (() => string | null | PromiseLike<string | null>);
  /** Refresh a JWT from the token function this long before its exp (at the latest at half its lifetime). Default 30000. */
  tokenRefreshMarginMs?: number;
  /** Publishes waiting for a connection at most; one more is refused with PublishBufferFullError. Default 1000. */
  publishBufferSize?: number;
  /** Default sessionStorage; null turns keeping the session across reloads off. */
  storage?: PushwireStorage | null;
  /** The key in storage. Default 'pushwire:' + the resolved URL. */
  storageKey?: string | null;
  /** The jitter's source. Default Math.random. */
  random?: () => number;
  /** Default the global WebSocket; before Node.js 22, pass the ws package's. */
  WebSocket?: WebSocketClass | null;
}

export declare class PushwireClient {
  /**
   * Does not connect yet. `url` is ws:/wss:, or relative to the page ('/ws'); http(s): becomes ws(s):.
   * Throws TypeError for a URL that is not a WebSocket URL, or when there is no WebSocket class.
   */
  constructor(url?: string, options?: PushwireOptions);

  /** One of State. */
  readonly state: State;
  /** The session's id from the last welcome (or from storage); null for none. */
  readonly clientId: string | null;
  /** The resolved URL this client connects to. */
  readonly url: string;

  /**
   * Starts connecting and keeps reconnecting until close() or a terminal close code. Resolves at the next
   * welcome; rejects with PushwireError if the client stops or closes first.
   */
  connect(): Promise<void>;

  /**
   * Subscribes once; the subscription belongs to the client, not to a connection. The handler gets each
   * (channel, epoch, seq) at most once, in order. Subscribing again replaces the handler and keeps the
   * position. Resolves with the first `subscribed`; rejects if the server refuses the channel. Throws
   * TypeError for an invalid channel name or handler.
   */
  subscribe<T = Json>(channel: string, handler: (event: PushwireEvent<T>) => void): Promise<Subscribed>;

  /** Ends a subscription; resolves when the server confirmed it (at once when not connected). */
  unsubscribe(channel: string): Promise<void>;

  /**
   * Publishes `data` where the server's permissions allow it. Resolves when written to a connection;
   * a refusal by the server comes later through onError. Rejects at once with PublishBufferFullError
   * when the buffer is full, with code 'too_large' over the server's maxFrameBytes, and when the client
   * stops or closes before writing it. Throws TypeError for an invalid channel or data JSON cannot encode.
   */
  publish(channel: string, data: unknown): Promise<void>;

  /** {channel: {seq, epoch}} for every subscribed channel with a position: what a resume sends. */
  positions(): Record<string, Position>;

  /** A snapshot of the counters. */
  stats(): Stats;

  /** Closes for good (state closed). The session stays in storage. */
  close(): void;
}
