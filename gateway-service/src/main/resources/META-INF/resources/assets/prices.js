// `/prices`: every symbol of `prices.<slug>` ticking live, the last 100 events and update statistics.
import { shell, hg, h, fill, fmt, change, lineOptions, followTheme, chartTheme } from '/assets/app.js';

const SYMBOLS = [
  ['btc-usd', 'BTC/USD', 'Bitcoin'],
  ['eth-usd', 'ETH/USD', 'Ether'],
  ['aapl', 'AAPL', 'Apple'],
  ['msft', 'MSFT', 'Microsoft'],
  ['nvda', 'NVDA', 'NVIDIA'],
  ['spy', 'SPY', 'S&P 500 ETF'],
  ['eur-usd', 'EUR/USD', 'Euro'],
  ['gbp-usd', 'GBP/USD', 'Pound sterling'],
];
const LOG_SIZE = 100;
const SPARK_POINTS = 120;
const RATE_WINDOW_MS = 10_000;

const main = shell({ title: 'Prices', subtitle: 'Crypto, stocks and FX, one channel per symbol.' });
const client = hg();

const state = new Map(SYMBOLS.map(([slug]) => [slug, { last: null, count: 0, points: [] }]));
const arrivals = []; // timestamps of the events of the last RATE_WINDOW_MS
let total = 0;
let firstAt = null;

const tickers = h('section', { class: 'grid cards', id: 'tickers' });
const logList = h('tbody', { id: 'activity' });
const statsBox = h('div', { class: 'kv', id: 'update-stats' });
main.append(
  tickers,
  h('section', { class: 'grid cols-3', style: { marginTop: '16px' } },
    h('div', { class: 'card span-2' },
      h('div', { class: 'card-head' }, h('h2', null, 'Activity'), h('span', { class: 'meta' }, `last ${LOG_SIZE} events`)),
      h('div', { class: 'table-wrap' }, h('table', null,
        h('thead', null, h('tr', null, h('th', null, 'Time'), h('th', null, 'Symbol'), h('th', { class: 'right' }, 'Price'), h('th', { class: 'right' }, 'Δ'), h('th', { class: 'right' }, 'Change'), h('th', null, 'Source'))),
        logList))),
    h('div', { class: 'card' },
      h('div', { class: 'card-head' }, h('h2', null, 'Update statistics')),
      h('div', { class: 'node-card' }, statsBox))));

const sparks = new Map();
for (const [slug, label, name] of SYMBOLS) {
  const canvas = h('canvas', { 'aria-label': `${label} sparkline` });
  const card = h('div', { class: 'card ticker', 'data-symbol': slug },
    h('div', { class: 'row' }, h('span', { class: 'sym' }, label), h('span', { class: 'faint name' }, name), h('span', { class: 'spacer' }), h('span', { 'data-field': 'sim' })),
    h('div', { class: 'px', 'data-field': 'price' }, '—'),
    h('div', { class: 'row' }, h('span', { 'data-field': 'change' }, change(null)), h('span', { class: 'spacer' }), h('span', { class: 'faint', 'data-field': 'time' }, 'waiting…')),
    h('div', { style: { height: '46px', marginTop: '6px' } }, canvas));
  tickers.append(card);
  const opts = lineOptions();
  opts.scales.x.display = false;
  opts.scales.y.display = false;
  opts.plugins.tooltip = { enabled: false };
  opts.elements.line.borderWidth = 1.5;
  sparks.set(slug, new Chart(canvas, { type: 'line', data: { datasets: [{ data: state.get(slug).points, borderColor: chartTheme().accent, fill: false }] }, options: opts }));
}
followTheme(() => [...sparks.values()]);

function changeOf(d) {
  if (typeof d.change24hPct === 'number') return d.change24hPct;
  if (typeof d.changePct === 'number') return d.changePct;
  return null;
}

/** One price event; `replay` for the channel's history (drawn, but neither logged nor counted). */
function onPrice(slug, d, meta, replay = false) {
  if (!d || typeof d.price !== 'number') return;
  const s = state.get(slug);
  const prev = s.last;
  s.last = d;
  const now = Date.now();
  if (!replay) {
    s.count += 1;
    total += 1;
    firstAt ??= now;
    arrivals.push(now);
  }
  const x = new Date(d.timestamp || now).getTime() || now;
  s.points.push({ x, y: d.price });
  if (s.points.length > SPARK_POINTS) s.points.shift();

  const card = tickers.querySelector(`[data-symbol="${slug}"]`);
  const px = card.querySelector('[data-field="price"]');
  px.textContent = fmt.price(d.price);
  const before = typeof d.previousPrice === 'number' ? d.previousPrice : prev ? prev.price : null;
  px.classList.remove('tick-up', 'tick-down');
  if (before !== null && d.price !== before) {
    void px.offsetWidth; // restart the color transition
    px.classList.add(d.price > before ? 'tick-up' : 'tick-down');
    setTimeout(() => px.classList.remove('tick-up', 'tick-down'), 50);
  }
  fill(card.querySelector('[data-field="change"]'), change(changeOf(d)));
  card.querySelector('[data-field="time"]').textContent = fmt.time(d.timestamp || now);
  fill(card.querySelector('[data-field="sim"]'), d.simulated ? h('span', { class: 'badge sim' }, 'sim') : null);
  const spark = sparks.get(slug);
  const up = s.points.length < 2 || s.points[s.points.length - 1].y >= s.points[0].y;
  spark.data.datasets[0].borderColor = up ? chartTheme().up : chartTheme().down;
  spark.update('none');

  if (!replay && (!meta.snapshot || logList.children.length === 0)) {
    const delta = before !== null ? d.price - before : null;
    const label = SYMBOLS.find(([k]) => k === slug)[1];
    const row = h('tr', { class: 'flash', 'data-offset': meta.offset },
      h('td', { class: 'mono nowrap' }, fmt.time(d.timestamp || now)),
      h('td', null, h('strong', null, label)),
      h('td', { class: 'right mono' }, fmt.price(d.price)),
      h('td', { class: `right mono ${delta > 0 ? 'up' : delta < 0 ? 'down' : ''}` }, delta === null ? '—' : `${delta > 0 ? '+' : ''}${fmt.price(delta)}`),
      h('td', { class: 'right' }, change(changeOf(d))),
      h('td', { class: 'faint' }, d.feed || (d.simulated ? 'simulator' : '—')));
    logList.prepend(row);
    while (logList.children.length > LOG_SIZE) logList.lastElementChild.remove();
  }
}

// Each sparkline starts from the channel's recent history; the subscription continues after it.
for (const [slug] of SYMBOLS) {
  const channel = `prices.${slug}`;
  client.history(channel, { limit: SPARK_POINTS }).then((hist) => {
    for (const f of hist.events) onPrice(slug, f.event && f.event.data, { offset: f.offset, snapshot: true }, true);
    return { epoch: hist.epoch, offset: hist.offset };
  }).catch(() => null).then((since) => {
    client.subscribe(channel, (event, meta) => onPrice(slug, event.data, meta), since ? { since } : {});
  });
}

function renderStats() {
  const now = Date.now();
  while (arrivals.length && arrivals[0] < now - RATE_WINDOW_MS) arrivals.shift();
  const rate = arrivals.length / (Math.min(RATE_WINDOW_MS, now - (firstAt ?? now)) / 1000 || 1);
  const busiest = [...state.entries()].sort((a, b) => b[1].count - a[1].count)[0];
  fill(statsBox,
    h('span', { class: 'muted' }, 'Updates received'), h('span', { 'data-field': 'total' }, fmt.num(total)),
    h('span', { class: 'muted' }, 'Updates / s (10 s)'), h('span', null, fmt.num(firstAt ? rate : null, 1)),
    h('span', { class: 'muted' }, 'Symbols ticking'), h('span', null, `${[...state.values()].filter((s) => s.count > 0).length} / ${SYMBOLS.length}`),
    h('span', { class: 'muted' }, 'Busiest symbol'), h('span', null, busiest && busiest[1].count ? `${SYMBOLS.find(([k]) => k === busiest[0])[1]} (${busiest[1].count})` : '—'),
    h('span', { class: 'muted' }, 'Duplicates dropped'), h('span', null, fmt.num(client.stats.duplicatesDropped)),
    h('span', { class: 'muted' }, 'Reconnects'), h('span', null, fmt.num(client.stats.reconnects)),
    ...SYMBOLS.map(([slug, label]) => [h('span', { class: 'faint' }, label), h('span', { class: 'faint' }, fmt.num(state.get(slug).count))]).flat());
}
renderStats();
setInterval(renderStats, 1000);
