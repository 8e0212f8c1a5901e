// The type test of pushwire.d.ts: uses every public declaration the way an application would, and marks
// misuses the declarations must refuse with @ts-expect-error (tsc fails when such a line compiles).
// Never run, only checked: `npm test` (tsc --noEmit -p test) here against the package itself, and
// JsPackageIT again in a project that installed the packed tarball.
import {
  PublishBufferFullError,
  PushwireClient,
  PushwireError,
  State,
  type ErrorCode,
  type Gap,
  type GapReason,
  type Json,
  type Position,
  type PushwireCallbacks,
  type PushwireEvent,
  type PushwireOptions,
  type PushwireStorage,
  type Stats,
  type Status,
  type Subscribed,
  type WebSocketClass,
  type WebSocketLike,
  type Welcome,
} from '@pushwire/client';

interface Trade {
  price: number;
  size: number;
}

const memory = new Map<string, string>();
const storage: PushwireStorage = {
  getItem: (key) => memory.get(key) ?? null,
  setItem: (key, value) => {
    memory.set(key, value);
  },
};

const callbacks: PushwireCallbacks = {
  onStateChange: (from: State, to: State) => console.log(from, '->', to),
  onConnected: (welcome: Welcome) => {
    const resumed: boolean = welcome.resumed;
    const limits: number = welcome.limits.maxFrameBytes + welcome.limits.burst + welcome.limits.ratePerSec;
    const heartbeat: number = welcome.heartbeat.intervalMs + welcome.heartbeat.timeoutMs;
    console.log(welcome.clientId, welcome.resumeToken, welcome.sessionTtlMs, welcome.id, resumed, limits, heartbeat);
  },
  onDisconnected: (code: number, reason: string) => console.log(code, reason),
  onReconnecting: (attempt: number, delayMs: number) => console.log(attempt, delayMs),
  onStopped: (error: PushwireError) => console.log(error.closeCode),
  onGap: (gap: Gap) => {
    const reason: GapReason | string = gap.reason;
    console.log(gap.channel, gap.fromSeq, gap.toSeq, reason);
  },
  onStatus: (status: Status) => console.log(status.channel, status.stale, status.reason ?? ''),
  onError: (error: PushwireError) => {
    const code: ErrorCode | string | null = error.code;
    console.log(code, error.message, error.retryAfterMs);
  },
  onSubscriptionFailed: (channel: string, error: PushwireError) => console.log(channel, error.code),
};

declare const NodeWebSocket: WebSocketClass;

const options: PushwireOptions = {
  ...callbacks,
  connectTimeoutMs: 10_000,
  reconnectInitialDelayMs: 500,
  reconnectMaxDelayMs: 30_000,
  reconnectMultiplier: 2,
  maxReconnectAttempts: Infinity,
  stableConnectionAfterMs: 10_000,
  token: async () => 'a.jwt.token',
  tokenRefreshMarginMs: 30_000,
  publishBufferSize: 1000,
  storage,
  storageKey: 'pushwire:example',
  random: Math.random,
  WebSocket: NodeWebSocket,
};

export async function example(): Promise<void> {
  const client = new PushwireClient('/ws', options);
  new PushwireClient();
  new PushwireClient('wss://push.example.com/ws', { token: 'fixed', storage: null, WebSocket: null });
  new PushwireClient('/ws', { token: () => null });
  new PushwireClient('/ws', { token: () => 'sync' });

  const url: string = client.url;
  const id: string | null = client.clientId;
  if (client.state === State.CONNECTED || client.state === 'reconnecting') {
    console.log(url, id);
  }
  const states: State[] = [State.DISCONNECTED, State.CONNECTING, State.CONNECTED, State.RECONNECTING, State.CLOSED];

  await client.connect();

  const subscribed: Subscribed = await client.subscribe<Trade>('sim.trades.BTC-USDT', (event) => {
    const trade: Trade = event.data;
    const typed: PushwireEvent<Trade> = event;
    console.log(trade.price * trade.size, typed.channel, typed.seq, typed.epoch, typed.ts);
  });
  console.log(subscribed.channel, subscribed.epoch, subscribed.seq, subscribed.recovered, subscribed.replayed, subscribed.id);
  await client.subscribe('chat.lobby', (event: PushwireEvent) => {
    const data: Json = event.data;
    console.log(data);
  });

  try {
    await client.publish('chat.lobby', { text: 'hi', at: Date.now() });
    await client.publish('chat.lobby', [1, 'two', null, true]);
  } catch (error) {
    if (error instanceof PublishBufferFullError) {
      const capacity: number = error.capacity;
      console.log(capacity, error.code, error.closeCode);
    } else if (error instanceof PushwireError && error.code === 'too_large') {
      console.log(error.message);
    }
  }

  await client.unsubscribe('chat.lobby');
  const positions: Record<string, Position> = client.positions();
  const position: Position | undefined = positions['sim.trades.BTC-USDT'];
  console.log(position?.seq, position?.epoch);

  const stats: Stats = client.stats();
  const counters: number = stats.connectionAttempts + stats.connections + stats.connectionFailures + stats.reconnects
    + stats.resumes + stats.disconnects + stats.reconnectAttempt + stats.eventsReceived + stats.duplicatesDropped
    + stats.gaps + stats.publishBuffered + stats.uptimeMs + (stats.lastMessageAgeMs ?? 0);
  console.log(stats.state, stats.clientId, stats.lastError, counters, states);

  const local = new PushwireError('local', { code: 'forbidden', closeCode: 4403, retryAfterMs: 5 });
  const full = new PublishBufferFullError(10);
  console.log(local instanceof Error, full instanceof PushwireError);

  const socket: WebSocketLike = new NodeWebSocket('ws://127.0.0.1/ws', 'pushwire.v1');
  socket.close(1000, 'done');
  client.close();
}

export function misuses(client: PushwireClient): void {
  // @ts-expect-error: state is read-only
  client.state = 'connected';
  // @ts-expect-error: not a state
  const state: State = 'open';
  // @ts-expect-error: publish needs data
  void client.publish('chat.lobby');
  // @ts-expect-error: a handler is a function of the event
  void client.subscribe('chat.lobby', 'handler');
  // @ts-expect-error: an event's seq is a number
  void client.subscribe('chat.lobby', (event) => event.seq.toUpperCase());
  // @ts-expect-error: no such option
  new PushwireClient('/ws', { reconnectDelay: 5 });
  // @ts-expect-error: a token function returns a string (or a Promise of one)
  new PushwireClient('/ws', { token: () => 42 });
  // @ts-expect-error: stats are counters, not a Map
  client.stats().get('gaps');
  console.log(state);
}
