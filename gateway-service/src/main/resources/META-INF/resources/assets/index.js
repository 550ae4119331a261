// `/`: the dashboards, and the fleet view of every gateway (from `system.gateways`).
import { shell, hg, h, fill, fmt, seriesColor, lineOptions, followTheme } from '/assets/app.js';

const WINDOW_MS = 60_000; // the charts show the last minute
const OFFLINE_AFTER_MS = 5_000; // a gateway silent this long is shown as offline
const FORGET_AFTER_MS = 60_000; // ... and this long is removed from the view

const main = shell({
  title: 'Overview',
  subtitle: 'Live dashboards over one WebSocket per page, served by a stateless gateway fleet.',
});
const client = hg();

const TILES = [
  ['/crypto/', 'Crypto', 'Market cap, BTC, dominance, fear & greed, RSI and each source’s health.', 'crypto.summary'],
  ['/prices/', 'Prices', 'Crypto, stocks and FX ticking live with an activity log.', 'prices.*'],
  ['/consumers/', 'Consumers', 'Kafka consumer statistics, the live record log and a test producer.', 'consumer.*'],
  ['/recipes/', 'Recipes', 'A CRUD backend whose changes appear in every browser at once.', 'recipes'],
  ['/chat/', 'Chat', 'Rooms with presence, published straight from the browser.', 'chat.<room>'],
  ['/metrics/', 'Metrics', 'CPU, heap, threads and the main counter of every service.', 'metrics.<service>'],
];

main.append(
  h('section', { class: 'tiles', style: { marginBottom: '28px' } },
    TILES.map(([href, name, text, channel]) =>
      h('a', { class: 'card tile', href }, h('h2', null, name), h('p', null, text), h('div', { class: 'channel' }, channel)))),
  h('div', { class: 'page-head' },
    h('div', null, h('h1', { style: { fontSize: '18px' } }, 'Gateway fleet'),
      h('p', null, 'Each gateway publishes its own numbers every second on ', h('code', null, 'system.gateways'), '.')),
    h('div', { class: 'row muted', id: 'fleet-summary' })),
);

const nodesBox = h('section', { class: 'grid cards', id: 'fleet-nodes' }, h('div', { class: 'card empty' }, 'Waiting for the first gateway-stats event…'));
const deliveriesCanvas = h('canvas', { id: 'chart-deliveries', 'aria-label': 'Deliveries per second per gateway' });
const clientsCanvas = h('canvas', { id: 'chart-clients', 'aria-label': 'Connected clients per gateway' });
main.append(
  nodesBox,
  h('section', { class: 'grid cols-2', style: { marginTop: '16px' } },
    h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'Deliveries / s'), h('span', { class: 'meta' }, 'frames fanned out to clients')), h('div', { class: 'chart-box' }, deliveriesCanvas)),
    h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'Connected clients'), h('span', { class: 'meta' }, 'WebSocket connections')), h('div', { class: 'chart-box' }, clientsCanvas))),
);

/** node -> { stats, lastSeen, series: {deliveries: [], clients: []} } */
const nodes = new Map();

const charts = [];
function makeChart(canvas, y, integer) {
  const chart = new Chart(canvas, { type: 'line', data: { datasets: [] }, options: lineOptions({ legend: true, suggestedMin: 0, yTicks: y, integer }) });
  charts.push(chart);
  return chart;
}
const deliveriesChart = makeChart(deliveriesCanvas, (v) => fmt.num(v, v % 1 ? 1 : 0), false);
const clientsChart = makeChart(clientsCanvas, (v) => fmt.num(v), true);
followTheme(() => charts);

function dataset(chart, node) {
  let ds = chart.data.datasets.find((d) => d.label === node);
  if (!ds) {
    ds = { label: node, data: [], borderColor: seriesColor(node), backgroundColor: seriesColor(node, 0.12), fill: 'origin' };
    chart.data.datasets.push(ds);
  }
  return ds;
}

client.subscribe('system.gateways', (event) => {
  const s = event && event.data;
  if (!s || typeof s.node !== 'string') return;
  const now = Date.now();
  const entry = nodes.get(s.node) || { stats: null, lastSeen: 0 };
  entry.stats = s;
  entry.lastSeen = now;
  nodes.set(s.node, entry);
  dataset(deliveriesChart, s.node).data.push({ x: now, y: Number(s.deliveriesPerSecond) || 0 });
  dataset(clientsChart, s.node).data.push({ x: now, y: Number(s.connectedClients) || 0 });
});

function trim(chart, now) {
  for (const ds of chart.data.datasets) {
    while (ds.data.length && ds.data[0].x < now - WINDOW_MS) ds.data.shift();
  }
  chart.options.scales.x.min = now - WINDOW_MS;
  chart.options.scales.x.max = now;
  chart.update('none');
}

function renderNodes() {
  const now = Date.now();
  for (const [node, { lastSeen }] of nodes) {
    if (now - lastSeen > FORGET_AFTER_MS) {
      nodes.delete(node);
      for (const chart of charts) chart.data.datasets = chart.data.datasets.filter((d) => d.label !== node);
    }
  }
  if (nodes.size === 0) return;
  const sorted = [...nodes.entries()].sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
  let online = 0;
  let clients = 0;
  let perSecond = 0;
  fill(nodesBox, sorted.map(([node, { stats: s, lastSeen }]) => {
    const offline = now - lastSeen > OFFLINE_AFTER_MS;
    if (!offline) {
      online += 1;
      clients += Number(s.connectedClients) || 0;
      perSecond += Number(s.deliveriesPerSecond) || 0;
    }
    const mine = node === client.node;
    const status = offline ? h('span', { class: 'badge error' }, 'offline')
      : s.draining ? h('span', { class: 'badge warn' }, 'draining')
        : s.redisConnected === false ? h('span', { class: 'badge error' }, 'redis down')
          : h('span', { class: 'badge ok' }, 'online');
    return h('div', { class: `card node-card${offline ? ' offline' : ''}${mine ? ' mine' : ''}`, 'data-node': node },
      h('div', { class: 'row' },
        h('span', { class: 'dot', style: { width: '10px', height: '10px', borderRadius: '50%', background: seriesColor(node) } }),
        h('span', { class: 'node-name' }, node), h('span', { class: 'spacer' }), status),
      mine ? h('div', { class: 'faint', style: { fontSize: '12px', marginTop: '4px' } }, 'this page is connected here') : null,
      h('div', { class: 'kv' },
        h('span', { class: 'muted' }, 'Connected clients'), h('span', { 'data-field': 'connectedClients' }, fmt.num(s.connectedClients)),
        h('span', { class: 'muted' }, 'Deliveries / s'), h('span', { 'data-field': 'deliveriesPerSecond' }, fmt.num(s.deliveriesPerSecond, 1)),
        h('span', { class: 'muted' }, 'Subscriptions'), h('span', null, fmt.num(s.subscriptions)),
        h('span', { class: 'muted' }, 'Channels'), h('span', null, fmt.num(s.channels)),
        s.uptimeSeconds !== undefined ? [h('span', { class: 'muted' }, 'Uptime'), h('span', null, uptime(s.uptimeSeconds))] : null,
        h('span', { class: 'muted' }, 'Last report'), h('span', null, fmt.ago(lastSeen, now))));
  }));
  fill(document.getElementById('fleet-summary'),
    h('span', { class: 'badge info' }, `${online} gateway${online === 1 ? '' : 's'} online`),
    h('span', { class: 'badge' }, `${fmt.num(clients)} clients`),
    h('span', { class: 'badge' }, `${fmt.num(perSecond, 1)} deliveries/s`));
}

function uptime(s) {
  if (typeof s !== 'number') return '—';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

setInterval(() => {
  const now = Date.now();
  renderNodes();
  trim(deliveriesChart, now);
  trim(clientsChart, now);
}, 1000);
client.on('state', renderNodes);
