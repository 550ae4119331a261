// `/metrics`: live process metrics of every service (`metrics.<service>`, one event a second from
// each instance). A toggle per service stream subscribes / unsubscribes its channel; a toggle per
// metric shows or hides its chart, and with every metric hidden nothing stays subscribed.
import { shell, hg, h, fill, fmt, config, seriesColor, lineOptions, followTheme } from '/assets/app.js';

const WINDOW_MS = 5 * 60_000;

/** `cpu` is the process CPU load as a fraction (0..1), as the JVM reports it; percent values pass through. */
function cpuPercent(d) {
  const v = typeof d.cpu === 'object' && d.cpu !== null ? (d.cpu.process ?? d.cpu.value) : d.cpu;
  if (typeof v !== 'number' || v < 0) return null;
  return v <= 1 ? v * 100 : v;
}

const METRICS = [
  { key: 'cpu', title: 'CPU', unit: '% of one machine', value: cpuPercent, ticks: (v) => `${fmt.num(v, 0)}%` },
  { key: 'heap', title: 'Heap used', unit: 'MiB (dashed: max)', value: (d) => (typeof d.heapUsedBytes === 'number' ? d.heapUsedBytes / 1048576 : null), max: (d) => (typeof d.heapMaxBytes === 'number' && d.heapMaxBytes > 0 ? d.heapMaxBytes / 1048576 : null), ticks: (v) => `${fmt.num(v, 0)}` },
  { key: 'threads', title: 'Threads', unit: 'live threads', integer: true, value: (d) => (typeof d.threads === 'number' ? d.threads : null), ticks: (v) => fmt.num(v) },
  { key: 'counter', title: 'Main counter', unit: 'increase per second', rate: true, value: (d) => (d.counter && typeof d.counter.value === 'number' ? d.counter.value : null), ticks: (v) => fmt.num(v, v < 10 ? 1 : 0) },
];

const services = (Array.isArray(config.metricsServices) ? config.metricsServices : []).filter((s) => /^[a-z0-9][a-z0-9._:-]{0,100}$/.test(s));
const saved = JSON.parse(localStorage.getItem('hg-metrics') || '{}');
const enabledServices = new Set(services.filter((s) => saved.services?.[s] !== false));
const enabledMetrics = new Set(METRICS.map((m) => m.key).filter((k) => saved.metrics?.[k] !== false));

const main = shell({ title: 'Metrics', subtitle: 'Each service publishes its own process metrics every second through the shared publisher.' });
const client = hg();

const subs = new Map(); // service -> subscription
const lastRaw = new Map(); // node -> last data (for counter rates)
const latest = new Map(); // node -> { service, data, at }

const streamToggles = h('div', { class: 'row', id: 'stream-toggles' });
const metricToggles = h('div', { class: 'row', id: 'metric-toggles' });
const subsInfo = h('span', { class: 'badge info', id: 'subscription-count' });
const chartsBox = h('section', { class: 'grid cols-2', id: 'metric-charts', style: { marginTop: '16px' } });
const nodesBody = h('tbody', { id: 'metric-nodes' });
main.append(
  h('div', { class: 'card' },
    h('div', { class: 'row' }, h('h3', { style: { minWidth: '90px' } }, 'Streams'), streamToggles, h('span', { class: 'spacer' }), subsInfo),
    h('div', { class: 'row', style: { marginTop: '10px' } }, h('h3', { style: { minWidth: '90px' } }, 'Metrics'), metricToggles)),
  chartsBox,
  h('div', { class: 'card', style: { marginTop: '16px' } },
    h('div', { class: 'card-head' }, h('h2', null, 'Instances'), h('span', { class: 'meta' }, 'latest sample of each')),
    h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, h('th', null, 'Instance'), h('th', null, 'Service'), h('th', { class: 'right' }, 'CPU'), h('th', { class: 'right' }, 'Heap'), h('th', { class: 'right' }, 'Threads'), h('th', null, 'Counter'), h('th', null, 'Last sample'))),
      nodesBody))));

// ---- charts
const charts = new Map();
for (const m of METRICS) {
  const canvas = h('canvas', { 'aria-label': `${m.title} chart` });
  const card = h('div', { class: 'card', 'data-metric': m.key },
    h('div', { class: 'card-head' }, h('h2', null, m.title), h('span', { class: 'meta', 'data-field': 'unit' }, m.unit)),
    h('div', { class: 'chart-box small' }, canvas));
  chartsBox.append(card);
  const options = lineOptions({ legend: true, suggestedMin: 0, yTicks: m.ticks, integer: !!m.integer });
  options.plugins.legend.labels.filter = (item) => !item.text.endsWith(' max'); // the dashed max lines need no legend
  const chart = new Chart(canvas, { type: 'line', data: { datasets: [] }, options });
  charts.set(m.key, { chart, card, metric: m });
}
followTheme(() => [...charts.values()].map((c) => c.chart));

function series(chart, label, dashed = false) {
  let ds = chart.data.datasets.find((d) => d.label === label);
  if (!ds) {
    const base = label.replace(/ max$/, '');
    ds = { label, data: [], borderColor: seriesColor(base), backgroundColor: seriesColor(base, 0.1), borderDash: dashed ? [4, 4] : undefined, borderWidth: dashed ? 1 : 2 };
    chart.data.datasets.push(ds);
  }
  return ds;
}

function onMetrics(service, event) {
  const d = event.data;
  if (!d || typeof d !== 'object') return;
  const node = String(d.node || d.service || service);
  const at = new Date(event.time || Date.now()).getTime() || Date.now();
  const prev = lastRaw.get(node);
  lastRaw.set(node, { d, at });
  latest.set(node, { service: d.service || service, channelService: service, data: d, at });
  for (const m of METRICS) {
    const c = charts.get(m.key);
    let y = m.value(d);
    if (m.rate) {
      const before = prev ? m.value(prev.d) : null;
      y = y !== null && before !== null && at > prev.at ? Math.max(0, ((y - before) * 1000) / (at - prev.at)) : null;
      if (d.counter && d.counter.name) c.card.querySelector('[data-field="unit"]').textContent = `${d.counter.name} · per second`;
    }
    if (y !== null) series(c.chart, node).data.push({ x: at, y });
    if (m.max) {
      const max = m.max(d);
      if (max !== null) series(c.chart, `${node} max`, true).data.push({ x: at, y: max });
    }
  }
}

/** Subscribes a service's channel; the charts start from its history (the last 300 samples). */
function subscribeService(service) {
  if (subs.has(service)) return;
  const channel = `metrics.${service}`;
  const entry = { sub: null, cancelled: false };
  subs.set(service, entry);
  client.history(channel, { limit: 300 }).then((hist) => {
    if (entry.cancelled) return null;
    for (const f of hist.events) if (f.event && f.event.time && Date.now() - Date.parse(f.event.time) < WINDOW_MS) onMetrics(service, f.event);
    return { epoch: hist.epoch, offset: hist.offset };
  }).catch(() => null).then((since) => {
    if (entry.cancelled) return;
    entry.sub = client.subscribe(channel, (event) => onMetrics(service, event), since ? { since } : {});
  });
}

function unsubscribeService(service) {
  const entry = subs.get(service);
  if (!entry) return;
  entry.cancelled = true;
  entry.sub?.unsubscribe();
  subs.delete(service);
  // its lines end; the instances table keeps their last sample, marked stale
}

/** Subscriptions follow the toggles: enabled streams, and only while some metric is shown. */
function reconcile() {
  const wanted = enabledMetrics.size > 0 ? enabledServices : new Set();
  for (const s of services) {
    if (wanted.has(s)) subscribeService(s);
    else unsubscribeService(s);
  }
  for (const { card, metric } of charts.values()) card.classList.toggle('hidden', !enabledMetrics.has(metric.key));
  subsInfo.textContent = `${subs.size} channel${subs.size === 1 ? '' : 's'} subscribed`;
  localStorage.setItem('hg-metrics', JSON.stringify({
    services: Object.fromEntries(services.map((s) => [s, enabledServices.has(s)])),
    metrics: Object.fromEntries(METRICS.map((m) => [m.key, enabledMetrics.has(m.key)])),
  }));
}

function toggle(labelText, checked, onChange, attrs) {
  const input = h('input', { type: 'checkbox', ...attrs });
  input.checked = checked;
  input.addEventListener('change', () => onChange(input.checked));
  return h('label', { class: 'toggle' }, input, labelText);
}

fill(streamToggles, services.map((s) => toggle(s, enabledServices.has(s), (on) => {
  if (on) enabledServices.add(s); else enabledServices.delete(s);
  reconcile();
}, { 'data-service': s })));
fill(metricToggles, METRICS.map((m) => toggle(m.title, enabledMetrics.has(m.key), (on) => {
  if (on) enabledMetrics.add(m.key); else enabledMetrics.delete(m.key);
  reconcile();
}, { 'data-metric': m.key })));

function tick() {
  const now = Date.now();
  for (const { chart } of charts.values()) {
    for (const ds of chart.data.datasets) while (ds.data.length && ds.data[0].x < now - WINDOW_MS) ds.data.shift();
    chart.options.scales.x.min = now - WINDOW_MS;
    chart.options.scales.x.max = now;
    if (!chart.canvas.closest('.hidden')) chart.update('none');
  }
  const rows = [...latest.entries()].sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }));
  if (rows.length === 0) {
    fill(nodesBody, h('tr', null, h('td', { colspan: 7, class: 'empty' }, subs.size ? 'Waiting for the first samples…' : 'No stream subscribed')));
    return;
  }
  fill(nodesBody, rows.map(([node, { service, channelService, data: d, at }]) => {
    const live = subs.has(channelService);
    const stale = now - at > 5000;
    return h('tr', { 'data-node': node, class: stale ? 'faint' : '' },
      h('td', { class: 'mono' }, h('span', { style: { display: 'inline-block', width: '8px', height: '8px', borderRadius: '50%', background: seriesColor(node), marginRight: '8px' } }), node),
      h('td', { class: 'muted' }, service),
      h('td', { class: 'right' }, cpuPercent(d) === null ? '—' : `${fmt.num(cpuPercent(d), 1)}%`),
      h('td', { class: 'right nowrap' }, `${fmt.bytes(d.heapUsedBytes)} / ${fmt.bytes(d.heapMaxBytes)}`),
      h('td', { class: 'right' }, fmt.num(d.threads)),
      h('td', { class: 'mono' }, d.counter ? `${d.counter.name ?? 'counter'} = ${fmt.num(d.counter.value)}` : '—'),
      h('td', { class: 'nowrap' }, stale ? h('span', { class: 'badge stale' }, live ? fmt.ago(at, now) : 'unsubscribed') : fmt.ago(at, now)));
  }));
}

reconcile();
tick();
setInterval(tick, 1000);
