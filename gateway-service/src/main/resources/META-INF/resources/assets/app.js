// Shared shell of the Heliograph dashboards: configuration, the one client of the page,
// the top bar with its connection indicator, and small DOM / formatting helpers.
import { Heliograph } from '/heliograph.js';

const PAGES = [
  ['/', 'Overview'],
  ['/crypto/', 'Crypto'],
  ['/prices/', 'Prices'],
  ['/consumers/', 'Consumers'],
  ['/recipes/', 'Recipes'],
  ['/chat/', 'Chat'],
  ['/metrics/', 'Metrics'],
];

/**
 * Where the backends are. Defaults: the page's host name with the suite's fixed ports.
 * Overrides: `window.HELIOGRAPH_CONFIG` (set by /config.js), then query parameters
 * `?relay=`, `?fetcher=`, `?monitor=`, `?gateway=` (a ws:// URL), `?services=a,b` (metrics page).
 */
function resolveConfig() {
  const host = location.hostname || 'localhost';
  const scheme = location.protocol === 'https:' ? 'https:' : 'http:';
  const base = {
    gateway: null, // null: same origin /ws
    relay: `${scheme}//${host}:8081`,
    fetcher: `${scheme}//${host}:8082`,
    monitor: `${scheme}//${host}:8083`,
    metricsServices: ['gateway-service', 'pubsub-relay', 'fetcher-service', 'consumer-monitor-service'],
  };
  const fromFile = globalThis.HELIOGRAPH_CONFIG || {};
  const params = new URLSearchParams(location.search);
  const fromQuery = {};
  for (const k of ['gateway', 'relay', 'fetcher', 'monitor']) if (params.get(k)) fromQuery[k] = params.get(k);
  if (params.get('services')) fromQuery.metricsServices = params.get('services').split(',').map((x) => x.trim()).filter(Boolean);
  const cfg = { ...base, ...fromFile, ...fromQuery };
  for (const k of ['relay', 'fetcher', 'monitor']) cfg[k] = String(cfg[k]).replace(/\/+$/, '');
  return cfg;
}

export const config = resolveConfig();

let client = null;
/** The page's one Heliograph client (same-origin gateway unless configured). */
export function hg() {
  if (!client) {
    client = new Heliograph(config.gateway ? { url: config.gateway } : {});
    globalThis.heliograph = client; // for the console and the end-to-end tests
  }
  return client;
}

// ---------------------------------------------------------------------------
// DOM helpers

/** `h('div', {class: 'x', onclick}, child, ...)`: a small element builder. */
export function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
      else if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k === 'style' && typeof v === 'object') Object.assign(node.style, v);
      else node.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export const $ = (sel, root = document) => root.querySelector(sel);

/** Replaces the children of `node`. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

// ---------------------------------------------------------------------------
// formatting (every formatter accepts null / undefined and shows a dash)

const DASH = '—';
const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

export const fmt = {
  num(v, digits = 0) {
    return isNum(v) ? v.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits }) : DASH;
  },
  price(v) {
    if (!isNum(v)) return DASH;
    const a = Math.abs(v);
    const digits = a >= 10 ? 2 : a >= 1 ? 4 : 5; // FX rates need their pips
    return v.toLocaleString(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  },
  usd(v, locale) {
    return isNum(v) ? v.toLocaleString(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: 2 }) : DASH;
  },
  compactUsd(v, locale) {
    return isNum(v) ? v.toLocaleString(locale, { style: 'currency', currency: 'USD', notation: 'compact', maximumFractionDigits: 2 }) : DASH;
  },
  pct(v, digits = 2) {
    if (!isNum(v)) return DASH;
    return `${v > 0 ? '+' : ''}${v.toFixed(digits)}%`;
  },
  bytes(v) {
    if (!isNum(v)) return DASH;
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let i = 0;
    let x = v;
    while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
    return `${x.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
  },
  time(v) {
    const d = v instanceof Date ? v : new Date(v);
    return Number.isNaN(d.getTime()) ? DASH : d.toLocaleTimeString(undefined, { hour12: false });
  },
  ago(v, now = Date.now()) {
    const t = new Date(v).getTime();
    if (!v || Number.isNaN(t)) return DASH;
    const s = Math.max(0, Math.round((now - t) / 1000));
    if (s < 60) return `${s}s ago`;
    if (s < 3600) return `${Math.floor(s / 60)}m ago`;
    if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
    return `${Math.floor(s / 86400)}d ago`;
  },
};

/** A `.chg` span colored by sign. */
export function change(v, digits = 2) {
  const cls = !isNum(v) ? '' : v > 0 ? 'up' : v < 0 ? 'down' : '';
  return h('span', { class: `chg ${cls}` }, fmt.pct(v, digits));
}

/** A stable color for a name (FNV-1a hash spread over the hue circle), for avatars. */
export function colorFor(name, alpha = 1) {
  let x = 0x811c9dc5;
  for (const ch of String(name)) x = Math.imul(x ^ ch.codePointAt(0), 0x01000193) >>> 0;
  return `hsla(${Math.round((x % 1000) * 0.36)}, 62%, 56%, ${alpha})`;
}

const PALETTE = ['#5b8cff', '#f5a524', '#2fbf71', '#e5484d', '#a56eff', '#12a594', '#f76b15', '#d6409f', '#8da4ef', '#ffc53d'];
const assigned = new Map();
/** Distinct colors for chart series, in first-seen order (the same name keeps its color on the page). */
export function seriesColor(name, alpha = 1) {
  if (!assigned.has(name)) assigned.set(name, PALETTE[assigned.size % PALETTE.length]);
  const hex = assigned.get(name);
  if (alpha === 1) return hex;
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

// ---------------------------------------------------------------------------
// HTTP

/** fetch + JSON; a non-2xx answer throws an Error with the RFC 9457 `detail` when there is one. */
export async function fetchJson(url, init = {}) {
  let res;
  try {
    res = await fetch(url, { ...init, headers: { Accept: 'application/json', ...(init.headers || {}) } });
  } catch (e) {
    throw new Error(`cannot reach ${new URL(url).host} (${e.message})`);
  }
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  if (!res.ok) {
    const detail = body && typeof body === 'object' ? body.detail || body.title : text;
    const err = new Error(`${res.status} ${detail || res.statusText}`);
    err.status = res.status;
    err.body = body;
    throw err;
  }
  return body;
}

// ---------------------------------------------------------------------------
// notifications

let toastBox = null;
export function toast(message, kind = 'info', ms = 4000) {
  if (!toastBox) {
    toastBox = h('div', { class: 'toasts', 'aria-live': 'polite' });
    document.body.append(toastBox);
  }
  const t = h('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  toastBox.append(t);
  setTimeout(() => t.remove(), ms);
}

// ---------------------------------------------------------------------------
// the shell

function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

function initialTheme() {
  const saved = localStorage.getItem('hg-theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

/** The connection indicator: state + gateway node, kept in sync with the client. */
export function connectionIndicator(client) {
  const label = h('span', { class: 'conn-label' }, 'Connecting');
  const node = h('span', { class: 'conn-node' });
  const el = h('div', { class: 'conn', id: 'conn', role: 'status', 'aria-live': 'polite', 'data-state': 'connecting' }, h('span', { class: 'dot' }), label, node);
  let retry = null;
  const render = (s) => {
    const state = s.state === 'connecting' && s.reconnecting ? 'reconnecting' : s.state;
    el.dataset.state = state;
    el.dataset.node = client.node || '';
    const text = {
      connecting: retry ? `Connecting (attempt ${retry.attempt})` : 'Connecting',
      reconnecting: retry ? `Reconnecting (attempt ${retry.attempt})` : 'Reconnecting',
      open: 'Live',
      fallback: 'Live over HTTP',
      closed: s.code === 4001 ? 'Signed out' : s.code === 4003 ? 'Origin refused' : 'Offline',
    }[state];
    label.textContent = text;
    node.textContent = client.node ? `· ${client.node}` : '';
    el.title = state === 'fallback'
      ? 'WebSocket unavailable: streaming over Server-Sent Events and probing WebSocket in the background'
      : `${text}${client.node ? ` on ${client.node}` : ''}${client.session ? ` (session ${client.session})` : ''}`;
  };
  client.on('retry', (r) => { retry = r; if (client.state === 'connecting') render({ state: 'connecting', reconnecting: r.reconnecting }); });
  client.on('state', (s) => { if (s.state === 'open') retry = null; render(s); });
  render({ state: client.state, reconnecting: false });
  return el;
}

/**
 * Builds the top bar and returns the `<main>` of the page.
 * @param {{title: string, subtitle?: string, actions?: Node[]}} page
 */
export function shell({ title, subtitle, actions = [] }) {
  applyTheme(initialTheme());
  const client = hg();
  const path = location.pathname.replace(/index\.html$/, '');
  const current = PAGES.find(([href]) => href !== '/' && path.startsWith(href.replace(/\/$/, '')))?.[0] ?? '/';
  const themeBtn = h('button', {
    class: 'icon-btn', type: 'button', title: 'Switch light / dark', 'aria-label': 'Switch light / dark theme',
    onclick: () => {
      const next = document.documentElement.dataset.theme === 'light' ? 'dark' : 'light';
      localStorage.setItem('hg-theme', next);
      applyTheme(next);
      window.dispatchEvent(new CustomEvent('hg-theme', { detail: next }));
    },
  }, '◐');
  const bar = h('header', { class: 'topbar' },
    h('a', { class: 'brand', href: '/' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Heliograph'),
    h('nav', { class: 'nav', 'aria-label': 'Dashboards' },
      PAGES.map(([href, name]) => h('a', { href, 'aria-current': href === current ? 'page' : null }, name))),
    h('div', { class: 'topbar-right' }, connectionIndicator(client), themeBtn));
  const main = h('main', { class: 'page' },
    h('div', { class: 'page-head' },
      h('div', null, h('h1', null, title), subtitle ? h('p', null, subtitle) : null),
      h('div', { class: 'row' }, actions)));
  const foot = h('footer', { class: 'foot' }, 'Heliograph · real-time events over WebSocket, fanned out by a stateless gateway fleet through Redis');
  document.body.prepend(bar, main, foot);
  document.title = `${title} · Heliograph`;
  return main;
}

/** Chart.js colors that follow the theme. */
export function chartTheme() {
  const css = getComputedStyle(document.documentElement);
  return {
    text: css.getPropertyValue('--muted').trim(),
    grid: css.getPropertyValue('--border').trim(),
    accent: css.getPropertyValue('--accent').trim(),
    up: css.getPropertyValue('--up').trim(),
    down: css.getPropertyValue('--down').trim(),
  };
}

/** Common Chart.js options for live line charts over time (x = epoch ms). */
export function lineOptions({ yTicks, legend = false, suggestedMin, integer = false } = {}) {
  const t = chartTheme();
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    interaction: { mode: 'nearest', axis: 'x', intersect: false },
    plugins: {
      legend: { display: legend, labels: { color: t.text, boxWidth: 10, boxHeight: 10 } },
      tooltip: { callbacks: { title: (items) => (items.length ? fmt.time(items[0].parsed.x) : '') } },
    },
    scales: {
      x: {
        type: 'linear',
        bounds: 'data',
        ticks: { color: t.text, maxTicksLimit: 6, callback: (v) => fmt.time(v) },
        grid: { color: t.grid },
      },
      y: {
        suggestedMin,
        ticks: { color: t.text, maxTicksLimit: 6, precision: integer ? 0 : undefined, callback: yTicks },
        grid: { color: t.grid },
      },
    },
    elements: { point: { radius: 0 }, line: { borderWidth: 2, tension: 0.25 } },
  };
}

/** Re-colors charts when the theme changes. */
export function followTheme(charts) {
  window.addEventListener('hg-theme', () => {
    const t = chartTheme();
    for (const c of charts()) {
      for (const axis of Object.values(c.options.scales || {})) {
        if (axis.ticks) axis.ticks.color = t.text;
        if (axis.grid) axis.grid.color = t.grid;
      }
      if (c.options.plugins?.legend?.labels) c.options.plugins.legend.labels.color = t.text;
      c.update('none');
    }
  });
}
