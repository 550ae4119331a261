// `/consumers`: the Kafka consumer monitor: statistics (with the consumer lag and the throughput per
// second), the record log with statuses changing live, the consumer instances with the lag of each
// partition they hold, and a form that produces a test message or a CSV batch.
import { shell, hg, h, fill, fmt, config, fetchJson, toast } from '/assets/app.js';

// The producer API is a write API: it needs the monitor's producer key (./heliograph up prints where
// it is). The page keeps it in this browser only.
const PRODUCER_KEY_STORE = 'heliograph.producerKey';

const LOG_ROWS = 100;
const STATUS_LABEL = { RECEIVED: 'received', PROCESSING: 'processing', PROCESSED: 'processed', FAILED: 'failed' };

const main = shell({ title: 'Consumers', subtitle: 'Kafka records through the consumer monitor, every step pushed live.' });
const client = hg();

const statCards = h('section', { class: 'grid cards', id: 'consumer-stats' });
// How often the consumer list (each instance's lag and throughput) is read again from the monitor.
const CONSUMERS_REFRESH_MS = 2000;
const logBody = h('tbody', { id: 'record-log' });
const consumersBody = h('tbody', { id: 'consumer-list' });
const form = buildForm();
main.append(
  statCards,
  h('section', { class: 'grid cols-3', style: { marginTop: '16px' } },
    h('div', { class: 'card span-2' },
      h('div', { class: 'card-head' }, h('h2', null, 'Recent records'), h('span', { class: 'meta', id: 'log-meta' }, `last ${LOG_ROWS}`)),
      h('div', { class: 'table-wrap' }, h('table', null,
        h('thead', null, h('tr', null, h('th', null, 'Record'), h('th', null, 'Type'), h('th', { class: 'right' }, 'Rows'), h('th', null, 'Status'), h('th', null, 'Consumer'), h('th', null, 'Time'))),
        logBody))),
    h('div', { class: 'stack' },
      h('div', { class: 'card' },
        h('div', { class: 'card-head' }, h('h2', null, 'Consumers')),
        h('div', { class: 'table-wrap' }, h('table', null,
          h('thead', null, h('tr', null, h('th', null, 'Instance'), h('th', null, 'Status'), h('th', null, 'Partitions (lag)'),
            h('th', { class: 'right' }, 'Lag'), h('th', { class: 'right' }, 'Msg/s'))),
          consumersBody))),
      form)));

// ---- statistics

let stats = null;
const statDefs = [
  ['totalMessages', 'Total records', (s) => fmt.num(s.totalMessages), () => 'received once each'],
  ['processedMessages', 'Processed', (s) => fmt.num(s.processedMessages), (s) => rate(s.processedMessages, s.totalMessages, 'passed validation')],
  ['failedMessages', 'Failed', (s) => fmt.num(s.failedMessages), (s) => rate(s.failedMessages, s.totalMessages, 'sent to the dead-letter topic')],
  ['messagesPerSecond', 'Throughput', (s) => `${fmt.num(s.messagesPerSecond, 1)}/s`, (s) => `${fmt.num(s.activeConsumers)} active consumer${s.activeConsumers === 1 ? '' : 's'}`],
  ['totalLag', 'Consumer lag', (s) => fmt.num(s.totalLag ?? 0), (s) => `records not yet committed, over ${fmt.num(Object.keys(s.lag || {}).length)} partition${Object.keys(s.lag || {}).length === 1 ? '' : 's'}`],
];
function rate(part, whole, text) {
  return typeof part === 'number' && whole > 0 ? `${((100 * part) / whole).toFixed(1)}% · ${text}` : text;
}
function renderStats() {
  fill(statCards, statDefs.map(([key, label, value, sub]) => h('div', { class: 'card', 'data-stat': key },
    h('div', { class: 'stat-label' }, label),
    h('div', { class: `stat-value${key === 'failedMessages' && stats && stats.failedMessages > 0 ? ' down' : ''}` }, stats ? value(stats) : '—'),
    h('div', { class: 'stat-sub' }, stats ? sub(stats) : 'waiting…'))));
}
renderStats();

// ---- the record log, keyed by logId

const rows = new Map(); // logId -> { data, tr }
function upsert(logId, patch, { live = true } = {}) {
  if (!logId) return;
  let row = rows.get(logId);
  if (!row) {
    row = { data: { logId }, tr: h('tr', { 'data-log-id': logId }) };
    rows.set(logId, row);
    logBody.prepend(row.tr);
    while (logBody.children.length > LOG_ROWS) {
      const last = logBody.lastElementChild;
      rows.delete(last.dataset.logId);
      last.remove();
    }
  }
  const order = ['RECEIVED', 'PROCESSING', 'PROCESSED', 'FAILED'];
  // a late step never moves a record back (events of one record arrive in order; HTTP may be older)
  if (patch.status && row.data.status && order.indexOf(patch.status) < order.indexOf(row.data.status)) delete patch.status;
  Object.assign(row.data, Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined && v !== null)));
  const d = row.data;
  row.tr.dataset.status = d.status || '';
  if (live) row.tr.className = 'flash';
  fill(row.tr,
    h('td', { class: 'mono nowrap', title: d.logId }, d.topic ? `${d.topic}·${d.partition}@${d.offset}` : d.logId),
    h('td', null, d.dataType ? h('span', { class: 'badge' }, d.dataType === 'CSV_BATCH' ? 'CSV batch' : d.dataType === 'SINGLE_MESSAGE' ? 'message' : d.dataType) : '—'),
    h('td', { class: 'right' }, fmt.num(d.rowCount)),
    h('td', null, h('span', { class: `badge ${d.status || ''}`, title: d.error || '' }, STATUS_LABEL[d.status] || d.status || '—'),
      d.error ? h('div', { class: 'faint', style: { fontSize: '11.5px', maxWidth: '260px' } }, d.error) : null),
    h('td', { class: 'mono faint' }, d.consumerId || '—'),
    h('td', { class: 'mono nowrap faint' }, fmt.time(d.timestamp)));
}

function onRecordEvent(event, meta) {
  const d = event.data || {};
  const live = !meta.snapshot;
  // a record whose first step is older than what we hold is not worth a row of its own
  if (!live && event.type !== 'message-received' && !rows.has(d.logId)) return;
  switch (event.type) {
    case 'message-received': upsert(d.logId, { ...d, status: 'RECEIVED' }, { live }); break;
    case 'processing-started': upsert(d.logId, { status: d.status || 'PROCESSING' }, { live }); break;
    case 'processing-completed': upsert(d.logId, { status: d.status || 'PROCESSED', consumerId: d.consumerId }, { live }); break;
    case 'processing-failed': upsert(d.logId, { status: d.status || 'FAILED', error: d.error }, { live }); break;
    default: break;
  }
}

// ---- consumers

const consumers = new Map();
function renderConsumers() {
  if (consumers.size === 0) {
    fill(consumersBody, h('tr', null, h('td', { colspan: 5, class: 'empty' }, 'No consumer reported yet')));
    return;
  }
  // The newest lag per partition: stats-updated (live) over the consumer list (read every few seconds).
  const lagOf = (c, p) => (stats && stats.lag && p in stats.lag ? stats.lag[p] : (c.lag || {})[p]);
  fill(consumersBody, [...consumers.values()].sort((a, b) => String(a.consumerId).localeCompare(String(b.consumerId))).map((c) => {
    const parts = Array.isArray(c.partitions) ? c.partitions : [];
    const lags = parts.map((p) => lagOf(c, p)).filter((n) => typeof n === 'number');
    return h('tr', { 'data-consumer': c.consumerId },
      h('td', { class: 'mono' }, c.consumerId),
      h('td', null, h('span', { class: `badge ${c.status}` }, c.status || '—')),
      h('td', { class: 'mono faint' }, parts.length ? parts.map((p) => `${p} (${fmt.num(lagOf(c, p) ?? 0)})`).join(', ') : '—'),
      h('td', { class: 'right mono', 'data-lag': c.consumerId }, lags.length ? fmt.num(lags.reduce((a, b) => a + b, 0)) : '—'),
      h('td', { class: 'right mono' }, c.status === 'ACTIVE' && typeof c.messagesPerSecond === 'number' ? fmt.num(c.messagesPerSecond, 1) : '—'));
  }));
}
renderConsumers();

// ---- live channels; the HTTP API fills in what happened before this page opened

client.subscribe('consumer.stats', (event) => {
  if (event.type === 'stats-updated' && event.data) {
    stats = event.data;
    renderStats();
    renderConsumers();
  }
});
function onStatus(event) {
  const d = event.data;
  if (d && d.consumerId) {
    consumers.set(d.consumerId, { ...consumers.get(d.consumerId), ...d });
    renderConsumers();
  }
}

/**
 * The channel's history rebuilds the recent past (each record's steps, each consumer's last
 * status); the subscription then continues exactly after it (`since`), so nothing is missed or
 * shown twice. The monitor's HTTP API fills in when the history is not available.
 */
async function follow(channel, onEvent, limit) {
  let since;
  try {
    const hist = await client.history(channel, { limit });
    for (const f of hist.events) onEvent(f.event, { epoch: f.epoch, offset: f.offset, snapshot: true });
    since = { epoch: hist.epoch, offset: hist.offset };
  } catch { /* live only */ }
  client.subscribe(channel, onEvent, since ? { since } : {});
  return !!since;
}

const api = config.monitor;
// Status changes arrive live; each instance's lag and throughput are read from the monitor's list.
function refreshConsumers() {
  return fetchJson(`${api}/api/consumers`).then((list) => {
    for (const c of Array.isArray(list) ? list : []) {
      const known = consumers.get(c.consumerId);
      // a live status event newer than the list keeps its status and partitions
      consumers.set(c.consumerId, known ? { ...c, ...known, lag: c.lag, totalLag: c.totalLag, messagesPerSecond: c.messagesPerSecond } : c);
    }
    renderConsumers();
  }).catch(() => {});
}
follow('consumer.status', onStatus, 200).then(() => {
  refreshConsumers();
  setInterval(refreshConsumers, CONSUMERS_REFRESH_MS);
});
follow('consumer.events', onRecordEvent, 4 * LOG_ROWS).then((ok) => {
  if (ok) return;
  fetchJson(`${api}/api/logs/recent?limit=${LOG_ROWS}`).then((list) => {
    // oldest first, so that the newest ends on top
    for (const e of (Array.isArray(list) ? list : []).slice().reverse()) if (!rows.has(e.logId)) upsert(e.logId, e, { live: false });
  }).catch((e) => {
    document.getElementById('log-meta').textContent = `history unavailable (${e.message}); live records only`;
  });
});
fetchJson(`${api}/api/stats`).then((s) => { if (!stats) { stats = s; renderStats(); } }).catch(() => {});

// ---- the producer form

function buildForm() {
  const topic = h('input', { id: 'produce-topic', value: 'transactions_topic', spellcheck: 'false' });
  const key = h('input', { id: 'produce-key', type: 'password', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'the monitor\'s producer key (.heliograph/producer.key)', value: localStorage.getItem(PRODUCER_KEY_STORE) || '' });
  const body = h('textarea', { id: 'produce-body', rows: 6, spellcheck: 'false' });
  const result = h('div', { id: 'produce-result' });
  let mode = 'single';
  const samples = {
    single: () => JSON.stringify({ id: `tx-${Math.floor(Math.random() * 1e6)}`, amount: Number((Math.random() * 500).toFixed(2)), currency: 'EUR', customer: 'alice' }, null, 2),
    csv: () => `id,amount,currency,customer\n${[1, 2, 3].map((i) => `tx-${Math.floor(Math.random() * 1e6)},${(Math.random() * 500).toFixed(2)},EUR,customer-${i}`).join('\n')}`,
  };
  body.value = samples.single();
  const seg = h('div', { class: 'seg', role: 'group', 'aria-label': 'Record kind' },
    h('button', { type: 'button', 'aria-pressed': 'true', 'data-mode': 'single', onclick: () => setMode('single') }, 'JSON message'),
    h('button', { type: 'button', 'aria-pressed': 'false', 'data-mode': 'csv', onclick: () => setMode('csv') }, 'CSV batch'));
  function setMode(m) {
    mode = m;
    for (const b of seg.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.mode === m));
    body.value = samples[m]();
  }
  const send = h('button', { class: 'primary', type: 'submit', id: 'produce-send' }, 'Send');
  const el = h('form', {
    class: 'card', id: 'produce-form',
    onsubmit: async (ev) => {
      ev.preventDefault();
      send.disabled = true;
      fill(result);
      try {
        const path = mode === 'single' ? 'single' : 'csv';
        const sent = await fetchJson(`${api}/api/producers/send/${path}?topic=${encodeURIComponent(topic.value.trim())}`, {
          method: 'POST',
          headers: { 'Content-Type': mode === 'single' ? 'application/json' : 'text/csv', Authorization: `Bearer ${key.value.trim()}` },
          body: body.value,
        });
        localStorage.setItem(PRODUCER_KEY_STORE, key.value.trim());
        fill(result, h('div', { class: 'notice ok' }, `Sent to ${sent.topic} partition ${sent.partition} offset ${sent.offset} (${sent.rowCount} row${sent.rowCount === 1 ? '' : 's'}). Watch it move through the log.`));
        body.value = samples[mode]();
      } catch (e) {
        fill(result, h('div', { class: 'notice error', role: 'alert' }, `Not sent: ${e.message}`));
        toast(`Not sent: ${e.message}`, 'error');
      } finally {
        send.disabled = false;
      }
    },
  },
  h('div', { class: 'card-head' }, h('h2', null, 'Send a test record'), seg),
  h('div', { class: 'field' }, h('label', { for: 'produce-key' }, 'Producer key'), key),
  h('div', { class: 'field' }, h('label', { for: 'produce-topic' }, 'Topic'), topic),
  h('div', { class: 'field' }, h('label', { for: 'produce-body' }, 'Body'), body),
  h('div', { class: 'row' }, send, h('span', { class: 'faint' }, 'A row without a numeric amount fails validation.')),
  result);
  return el;
}
