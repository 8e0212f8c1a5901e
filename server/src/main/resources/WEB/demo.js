// The demo page: a live board of the feed's symbols, a trade tape and the connection's health, on
// pushwire.js. Query parameters: ws (WebSocket URL, default this host's /ws), feed (channel prefix,
// default sim) and symbols (comma-separated, default the simulated feed's three).
import { PushwireClient } from './pushwire.js';

const params = new URLSearchParams(location.search);
const FEED = params.get('feed') || 'sim';
const SYMBOLS = (params.get('symbols') || 'BTC-USDT,ETH-USDT,SOL-USDT').split(',').map((s) => s.trim()).filter(Boolean);
const TAPE_ROWS = 60;
const LOG_ROWS = 40;
const LATENCY_SAMPLES = 500;
/** What the test hook keeps per trade channel (a day of a busy channel would be millions). */
const SEQS_KEPT = 100_000;

const $ = (id) => document.getElementById(id);
const colors = getComputedStyle(document.documentElement);
const FLASH = {
  up: colors.getPropertyValue('--up-flash').trim(),
  down: colors.getPropertyValue('--down-flash').trim(),
};

// ---------------------------------------------------------------- what the page has seen (also for tests)

const tradeSeqs = new Map();
const gaps = [];
const welcomes = [];
const latencies = [];
let latencyNext = 0;
let delivered = 0;
let connected = false;

// ---------------------------------------------------------------- the channels table

/** Per channel: events delivered, gaps, staleness, and its row in the channels table. */
const channels = new Map();
for (const symbol of SYMBOLS) {
  for (const kind of ['trades', 'ticker']) {
    const name = `${FEED}.${kind}.${symbol}`;
    const tr = document.createElement('tr');
    const cells = ['sym', 'epoch', 'seq', 'delivered', 'gaps', 'flags'].map((className) => {
      const td = document.createElement('td');
      td.className = className;
      td.textContent = '–';
      tr.append(td);
      return td;
    });
    cells[0].textContent = name;
    $('channels').append(tr);
    channels.set(name, { delivered: 0, gaps: 0, stale: null, cells });
  }
}

function renderChannels() {
  const positions = client.positions();
  for (const [name, channel] of channels) {
    const [, epoch, seq, delivered, gapCount, flags] = channel.cells;
    epoch.textContent = positions[name]?.epoch ?? '–';
    seq.textContent = positions[name]?.seq ?? '–';
    delivered.textContent = channel.delivered;
    gapCount.textContent = channel.gaps;
    flags.textContent = channel.stale === null ? '' : `stale: ${channel.stale}`;
  }
}

// ---------------------------------------------------------------- the board

const rows = new Map();
$('feed').textContent = FEED;
for (const symbol of SYMBOLS) {
  const tr = document.createElement('tr');
  tr.dataset.symbol = symbol;
  const cell = (className, text = '–') => {
    const td = document.createElement('td');
    td.className = className;
    td.textContent = text;
    tr.append(td);
    return td;
  };
  const row = {
    symbol: cell('sym', symbol),
    bidQty: cell('size bid-qty'),
    bid: cell('bid'),
    ask: cell('ask'),
    askQty: cell('size ask-qty'),
    spread: cell('spread'),
    last: cell('last'),
    lastQty: cell('size last-qty'),
    flags: cell('flags', ''),
    stale: new Map(),
    gapUntil: 0,
  };
  $('board').append(tr);
  rows.set(symbol, row);
  renderFlags(row);
}

/** Sets a cell's text and flashes it green or red when the number went up or down. */
function update(cell, text) {
  const before = parseFloat(cell.textContent);
  cell.textContent = text;
  const after = parseFloat(text);
  if (Number.isFinite(before) && Number.isFinite(after) && before !== after) {
    // A tint that fades: at several updates a second a solid flash would never rest.
    cell.animate([{ backgroundColor: after > before ? FLASH.up : FLASH.down }, {}],
        { duration: 600, easing: 'ease-out' });
  }
}

function onTicker(event) {
  const row = rows.get(event.data.symbol);
  if (!row) {
    return;
  }
  const { bid, ask, bidQty, askQty } = event.data;
  update(row.bid, bid);
  update(row.ask, ask);
  row.bidQty.textContent = bidQty;
  row.askQty.textContent = askQty;
  // In the instrument's own precision: the decimals the feed wrote the prices with.
  const decimals = Math.max(...[bid, ask].map((price) => (String(price).split('.')[1] ?? '').length));
  row.spread.textContent = (parseFloat(ask) - parseFloat(bid)).toFixed(decimals);
}

function onTrade(event) {
  const trade = event.data;
  const row = rows.get(trade.symbol);
  if (row) {
    const before = parseFloat(row.last.textContent);
    update(row.last, trade.price);
    row.lastQty.textContent = trade.qty;
    const after = parseFloat(trade.price);
    if (after !== before) {
      row.last.classList.toggle('up', after > before);
      row.last.classList.toggle('down', after < before);
    }
  }
  const tr = document.createElement('tr');
  tr.className = trade.side === 'sell' ? 'sell' : 'buy';
  for (const [className, text] of [['time', clock(trade.ts ?? event.ts)], ['sym', trade.symbol],
    ['price', trade.price], ['qty', trade.qty], ['side', trade.side]]) {
    const td = document.createElement('td');
    td.className = className;
    td.textContent = text;
    tr.append(td);
  }
  const tape = $('tape');
  tape.prepend(tr);
  while (tape.rows.length > TAPE_ROWS) {
    tape.lastElementChild.remove();
  }
}

function renderFlags(row) {
  const badges = [];
  if (row.stale.size > 0) {
    badges.push(['stale', 'STALE', [...row.stale.values()].join('; ')]);
  }
  if (Date.now() < row.gapUntil) {
    badges.push(['gap', 'GAP', 'events were lost; see the connection log']);
  }
  if (badges.length === 0) {
    badges.push(connected ? ['live', 'LIVE', ''] : ['offline', 'OFFLINE', 'not connected']);
  }
  row.flags.replaceChildren(...badges.map(([className, text, title]) => {
    const span = document.createElement('span');
    span.className = `badge ${className}`;
    span.textContent = text;
    span.title = title;
    return span;
  }));
}

function rowOf(channel) {
  return rows.get(channel.slice(channel.lastIndexOf('.') + 1));
}

// ---------------------------------------------------------------- the connection log

function log(text, kind = '') {
  const li = document.createElement('li');
  li.className = kind;
  const at = document.createElement('span');
  at.className = 'at';
  at.textContent = clock(Date.now());
  li.append(at, text);
  const list = $('log');
  list.prepend(li);
  while (list.children.length > LOG_ROWS) {
    list.lastElementChild.remove();
  }
}

function clock(ms) {
  const d = new Date(ms);
  const pad = (n, width = 2) => String(n).padStart(width, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

// ---------------------------------------------------------------- the client

const client = new PushwireClient(params.get('ws') || '/ws', {
  onStateChange(from, to) {
    const pill = $('state');
    pill.textContent = to;
    pill.dataset.state = to;
    connected = to === 'connected';
    rows.forEach(renderFlags);
    log(`${from} → ${to}`, to === 'connected' ? 'good' : to === 'reconnecting' ? 'warn' : '');
  },
  onConnected(welcome) {
    welcomes.push({ clientId: welcome.clientId, resumed: welcome.resumed === true, at: Date.now() });
    $('client-id').textContent = welcome.clientId;
    log(welcome.resumed ? `session ${welcome.clientId} resumed` : `new session ${welcome.clientId}`, 'good');
  },
  onDisconnected(code, reason) {
    log(`disconnected: ${code}${reason ? ` ${reason}` : ''}`, 'bad');
  },
  onReconnecting(attempt, delayMs) {
    log(`reconnect attempt ${attempt} in ${delayMs} ms`, 'warn');
  },
  onStopped(error) {
    log(`stopped: ${error.message}`, 'bad');
  },
  onGap(gap) {
    gaps.push(gap);
    const channel = channels.get(gap.channel);
    if (channel) {
      channel.gaps++;
    }
    $('gap-count').textContent = gaps.length;
    const row = rowOf(gap.channel);
    if (row) {
      row.gapUntil = Date.now() + 10_000;
      renderFlags(row);
    }
    const range = gap.toSeq >= gap.fromSeq ? `seq ${gap.fromSeq}–${gap.toSeq}` : 'old position void';
    log(`gap on ${gap.channel}: ${range} (${gap.reason})`, 'warn');
  },
  onStatus(status) {
    const row = rowOf(status.channel);
    if (row) {
      if (status.stale) {
        row.stale.set(status.channel, status.reason || 'stale');
        channels.get(status.channel).stale = status.reason || 'stale';
      } else {
        row.stale.delete(status.channel);
        channels.get(status.channel).stale = null;
      }
      renderFlags(row);
    }
    log(`${status.channel} ${status.stale ? `stale: ${status.reason || ''}` : 'live again'}`, status.stale ? 'warn' : 'good');
  },
  onError(error) {
    log(`error: ${error.message}`, error.code === 'resume_failed' ? 'warn' : 'bad');
  },
  onSubscriptionFailed(channel, error) {
    log(`subscription to ${channel} dropped: ${error.message}`, 'bad');
  },
});

/** Counts the event and samples its latency (server publish time to now) before the handler runs. */
function measured(handler) {
  return (event) => {
    delivered++;
    channels.get(event.channel).delivered++;
    latencies[latencyNext] = Date.now() - event.ts;
    latencyNext = (latencyNext + 1) % LATENCY_SAMPLES;
    handler(event);
  };
}

for (const symbol of SYMBOLS) {
  const trades = `${FEED}.trades.${symbol}`;
  const seqs = [];
  tradeSeqs.set(trades, seqs);
  client.subscribe(trades, measured((event) => {
    seqs.push(event.seq);
    if (seqs.length > SEQS_KEPT) {
      seqs.splice(0, seqs.length - SEQS_KEPT);
    }
    onTrade(event);
  })).catch((error) => log(`subscribe ${trades} failed: ${error.message}`, 'bad'));
  const ticker = `${FEED}.ticker.${symbol}`;
  client.subscribe(ticker, measured(onTicker))
      .catch((error) => log(`subscribe ${ticker} failed: ${error.message}`, 'bad'));
}
// Before connecting: what a previous page of this tab left, which this page resumes from.
const restoredPositions = client.positions();
client.connect().catch(() => { /* onStopped has logged why */ });

// ---------------------------------------------------------------- the header, twice a second

let deliveredBefore = 0;
let sampledAt = performance.now();
setInterval(() => {
  const stats = client.stats();
  $('reconnects').textContent = stats.reconnects;
  $('resumes').textContent = stats.resumes;
  if (latencies.length > 0) {
    const sorted = [...latencies].sort((a, b) => a - b);
    $('latency-p50').textContent = sorted[Math.floor(sorted.length * 0.5)];
    $('latency-p99').textContent = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
  }
  const now = performance.now();
  $('rate').textContent = Math.round((delivered - deliveredBefore) * 1000 / (now - sampledAt));
  deliveredBefore = delivered;
  sampledAt = now;
  renderChannels();
  for (const row of rows.values()) {
    if (row.gapUntil !== 0 && Date.now() >= row.gapUntil) {
      row.gapUntil = 0;
      renderFlags(row);
    }
  }
}, 500);

// ---------------------------------------------------------------- a read-only hook for tests

window.pushwireDemo = Object.freeze({
  state: () => client.state,
  reconnects: () => client.stats().reconnects,
  clientId: () => client.clientId,
  /** Every seq delivered to the page on a trade channel, in order (the last SEQS_KEPT). */
  tradeSeqs: (channel) => [...(tradeSeqs.get(channel) ?? [])],
  tradeChannels: () => [...tradeSeqs.keys()],
  gaps: () => gaps.map((gap) => ({ ...gap })),
  /** One entry per welcome: {clientId, resumed, at}. */
  welcomes: () => welcomes.map((welcome) => ({ ...welcome })),
  /** The positions this page started from (left in sessionStorage by the previous page of the tab). */
  restoredPositions: () => structuredClone(restoredPositions),
  stats: () => client.stats(),
});
