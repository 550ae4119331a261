// `/crypto`: the dashboard summary of `crypto.summary`, in English or Vietnamese.
// Switching the language re-renders the last summary held in memory; nothing is fetched again.
import { shell, hg, h, fill, fmt, config, fetchJson, lineOptions, followTheme, chartTheme } from '/assets/app.js';

const T = {
  en: {
    title: 'Crypto market',
    subtitle: 'The dashboard summary, pushed by the fetcher whenever a source answers.',
    marketCap: 'Total market cap', change24h: '24h change', btcPrice: 'Bitcoin price', dominance: 'BTC dominance',
    dominanceSub: 'share of the total market cap', fearGreed: 'Fear & Greed index', rsi: 'RSI (BTC/USDT)',
    rsiNone: 'Not configured (no TAAPI secret)', rsiInterval: 'interval', overbought: 'overbought', oversold: 'oversold', neutral: 'neutral',
    chart: 'BTC price', chartMeta: 'BTC/USD ticks, live', sources: 'Sources', source: 'Source', status: 'Status',
    lastSuccess: 'Last success', staleSince: 'Stale since', lastError: 'Last error', updated: 'Updated', waiting: 'Waiting for the first summary…',
    simulated: 'simulated data', live: 'live data', never: 'never',
    statusNames: { ok: 'ok', stale: 'stale', error: 'error' },
    fg: { 'Extreme Fear': 'Extreme Fear', Fear: 'Fear', Neutral: 'Neutral', Greed: 'Greed', 'Extreme Greed': 'Extreme Greed' },
    sourceNames: { coingeckoGlobal: 'CoinGecko · global', coingeckoPrice: 'CoinGecko · price', fearGreed: 'alternative.me · Fear & Greed', taapi: 'TAAPI.io · RSI' },
    ago: (s) => (s < 60 ? `${s}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ago` : `${Math.floor(s / 3600)}h ago`),
    locale: 'en-US',
  },
  vi: {
    title: 'Thị trường tiền mã hoá',
    subtitle: 'Bản tóm tắt, được trình thu thập đẩy lên mỗi khi một nguồn trả lời.',
    marketCap: 'Tổng vốn hoá thị trường', change24h: 'Thay đổi 24 giờ', btcPrice: 'Giá Bitcoin', dominance: 'Tỷ lệ thống trị BTC',
    dominanceSub: 'tỷ trọng trong tổng vốn hoá', fearGreed: 'Chỉ số Sợ hãi & Tham lam', rsi: 'RSI (BTC/USDT)',
    rsiNone: 'Chưa cấu hình (không có khoá TAAPI)', rsiInterval: 'khung', overbought: 'quá mua', oversold: 'quá bán', neutral: 'trung tính',
    chart: 'Giá BTC', chartMeta: 'giá BTC/USD theo thời gian thực', sources: 'Nguồn dữ liệu', source: 'Nguồn', status: 'Trạng thái',
    lastSuccess: 'Thành công gần nhất', staleSince: 'Cũ từ', lastError: 'Lỗi gần nhất', updated: 'Cập nhật', waiting: 'Đang chờ bản tóm tắt đầu tiên…',
    simulated: 'dữ liệu mô phỏng', live: 'dữ liệu thật', never: 'chưa có',
    statusNames: { ok: 'tốt', stale: 'cũ', error: 'lỗi' },
    fg: { 'Extreme Fear': 'Cực kỳ sợ hãi', Fear: 'Sợ hãi', Neutral: 'Trung lập', Greed: 'Tham lam', 'Extreme Greed': 'Cực kỳ tham lam' },
    sourceNames: { coingeckoGlobal: 'CoinGecko · toàn cầu', coingeckoPrice: 'CoinGecko · giá', fearGreed: 'alternative.me · Sợ hãi & Tham lam', taapi: 'TAAPI.io · RSI' },
    ago: (s) => (s < 60 ? `${s} giây trước` : s < 3600 ? `${Math.floor(s / 60)} phút trước` : `${Math.floor(s / 3600)} giờ trước`),
    locale: 'vi-VN',
  },
};

let lang = localStorage.getItem('hg-lang') === 'vi' ? 'vi' : 'en';
let summary = null; // the last dashboard-summary data
const MAX_POINTS = 600; // BTC/USD ticks kept for the chart
const btcPoints = []; // {x: ms, y: price}

const langSwitch = h('div', { class: 'seg', role: 'group', 'aria-label': 'Language' },
  h('button', { type: 'button', 'data-lang': 'en', onclick: () => setLang('en') }, 'English'),
  h('button', { type: 'button', 'data-lang': 'vi', onclick: () => setLang('vi') }, 'Tiếng Việt'));
const main = shell({ title: T[lang].title, subtitle: T[lang].subtitle, actions: [h('span', { id: 'sim-badge' }), langSwitch] });
const client = hg();

const cards = h('section', { class: 'grid cols-4', id: 'summary-cards' });
const lower = h('section', { class: 'grid cols-3', style: { marginTop: '16px' } });
const gaugeCanvas = h('canvas', { id: 'fg-gauge', 'aria-label': 'Fear and greed gauge' });
const priceCanvas = h('canvas', { id: 'btc-chart', 'aria-label': 'BTC price chart' });
const fgCard = h('div', { class: 'card', id: 'card-fear-greed' });
const rsiCard = h('div', { class: 'card', id: 'card-rsi' });
const chartCard = h('div', { class: 'card span-2' });
const sourcesCard = h('div', { class: 'card span-3', id: 'sources' });
main.append(cards, lower);
lower.append(chartCard, h('div', { class: 'stack' }, fgCard, rsiCard), sourcesCard);

// ---- charts (created once; their labels follow the language)
const gauge = new Chart(gaugeCanvas, {
  type: 'doughnut',
  data: { labels: ['value', 'rest'], datasets: [{ data: [0, 100], borderWidth: 0, backgroundColor: ['#888', 'rgba(128,128,128,0.15)'] }] },
  options: { rotation: -90, circumference: 180, cutout: '72%', aspectRatio: 1.7, animation: { duration: 400 }, plugins: { legend: { display: false }, tooltip: { enabled: false } } },
});
const priceChart = new Chart(priceCanvas, {
  type: 'line',
  data: { datasets: [{ label: 'BTC', data: btcPoints, borderColor: chartTheme().accent, backgroundColor: 'rgba(91,140,255,0.12)', fill: true }] },
  options: lineOptions({ yTicks: (v) => usdTick(v, T[lang].locale) }),
});
followTheme(() => [priceChart]);

function usdTick(v, locale) {
  return v.toLocaleString(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
}

function fgColor(v) {
  if (typeof v !== 'number') return '#888';
  if (v < 25) return '#e5484d';
  if (v < 45) return '#f5a524';
  if (v < 55) return '#a3a3a3';
  if (v < 75) return '#7cc46b';
  return '#2fbf71';
}

function stat(id, label, value, sub) {
  return h('div', { class: 'card', id }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value', 'data-value': '' }, value), h('div', { class: 'stat-sub' }, sub));
}

function changeSpan(v, t) {
  const cls = typeof v !== 'number' ? '' : v > 0 ? 'up' : v < 0 ? 'down' : '';
  return h('span', null, h('span', { class: `chg ${cls}` }, fmt.pct(v)), ` ${t.change24h}`);
}

function agoText(iso, t) {
  const ms = new Date(iso).getTime();
  if (!iso || Number.isNaN(ms)) return t.never;
  return t.ago(Math.max(0, Math.round((Date.now() - ms) / 1000)));
}

function render() {
  const t = T[lang];
  document.documentElement.lang = lang;
  main.querySelector('.page-head h1').textContent = t.title;
  main.querySelector('.page-head p').textContent = t.subtitle;
  document.title = `${t.title} · Heliograph`;
  for (const b of langSwitch.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.lang === lang));
  const s = summary;
  fill(document.getElementById('sim-badge'), s ? h('span', { class: `badge ${s.simulated ? 'sim' : 'ok'}` }, s.simulated ? t.simulated : t.live) : null);
  if (!s) {
    fill(cards, h('div', { class: 'card span-3 empty' }, t.waiting));
  } else {
    fill(cards,
      stat('card-market-cap', t.marketCap, fmt.compactUsd(s.totalMarketCapUsd, t.locale), changeSpan(s.marketCapChange24hPct, t)),
      stat('card-btc', t.btcPrice, fmt.usd(s.btcPriceUsd, t.locale), changeSpan(s.btcChange24hPct, t)),
      stat('card-dominance', t.dominance, typeof s.btcDominancePct === 'number' ? `${s.btcDominancePct.toLocaleString(t.locale, { maximumFractionDigits: 2 })}%` : '—', t.dominanceSub),
      stat('card-updated', t.updated, h('span', { id: 'updated-ago' }, agoText(s.updatedAt, t)), s.updatedAt ? new Date(s.updatedAt).toLocaleString(t.locale) : '—'));
  }

  // fear & greed
  const fg = s && s.fearGreed;
  const fgValue = fg && typeof fg.value === 'number' ? fg.value : null;
  gauge.data.datasets[0].data = [fgValue ?? 0, 100 - (fgValue ?? 0)];
  gauge.data.datasets[0].backgroundColor = [fgColor(fgValue), 'rgba(128,128,128,0.15)'];
  gauge.update();
  fill(fgCard,
    h('div', { class: 'card-head' }, h('h2', null, t.fearGreed)),
    h('div', { class: 'gauge' }, gaugeCanvas,
      h('div', { class: 'gauge-value' }, h('strong', { 'data-value': '' }, fgValue ?? '—'),
        h('span', { class: 'muted' }, fg ? (t.fg[fg.classification] || fg.classification || '') : ''))));

  // RSI
  const rsi = s && s.rsi;
  let rsiText = t.rsiNone;
  let rsiState = '';
  if (rsi && typeof rsi.value === 'number') {
    rsiState = rsi.value >= 70 ? t.overbought : rsi.value <= 30 ? t.oversold : t.neutral;
    rsiText = `${t.rsiInterval} ${rsi.interval || '—'} · ${rsiState}`;
  }
  fill(rsiCard,
    h('div', { class: 'stat-label' }, t.rsi),
    h('div', { class: 'stat-value', 'data-value': '' }, rsi && typeof rsi.value === 'number' ? rsi.value.toLocaleString(t.locale, { maximumFractionDigits: 1 }) : '—'),
    h('div', { class: 'stat-sub' }, rsiText),
    rsi && typeof rsi.value === 'number'
      ? h('div', { style: { marginTop: '10px', height: '6px', borderRadius: '3px', background: 'var(--bg-sunken)', overflow: 'hidden' } },
        h('div', { style: { width: `${Math.min(100, Math.max(0, rsi.value))}%`, height: '100%', background: rsi.value >= 70 ? 'var(--down)' : rsi.value <= 30 ? 'var(--up)' : 'var(--accent)' } }))
      : null);

  // chart
  priceChart.data.datasets[0].label = t.chart;
  priceChart.options.scales.y.ticks.callback = (v) => usdTick(v, t.locale);
  fill(chartCard, h('div', { class: 'card-head' }, h('h2', null, t.chart), h('span', { class: 'meta' }, t.chartMeta)), h('div', { class: 'chart-box' }, priceCanvas));
  priceChart.update('none');

  // sources
  const sources = s && s.sources && typeof s.sources === 'object' ? Object.entries(s.sources) : [];
  fill(sourcesCard,
    h('div', { class: 'card-head' }, h('h2', null, t.sources)),
    sources.length === 0 ? h('div', { class: 'empty' }, '—') : h('div', { class: 'table-wrap' }, h('table', null,
      h('thead', null, h('tr', null, h('th', null, t.source), h('th', null, t.status), h('th', null, t.lastSuccess), h('th', null, t.staleSince), h('th', null, t.lastError))),
      h('tbody', null, sources.map(([name, st]) => h('tr', { 'data-source': name },
        h('td', null, t.sourceNames[name] || name),
        h('td', null, h('span', { class: `badge ${st.status || ''}` }, t.statusNames[st.status] || st.status || '—')),
        h('td', { class: 'nowrap' }, st.lastSuccess ? agoText(st.lastSuccess, t) : t.never),
        h('td', { class: 'nowrap' }, st.staleSince ? agoText(st.staleSince, t) : '—'),
        h('td', { class: 'muted' }, st.lastError || '—')))))));
}

function setLang(next) {
  lang = next;
  localStorage.setItem('hg-lang', lang);
  render();
}

function accept(s) {
  if (!s || typeof s !== 'object') return;
  summary = s;
  render();
}

// The BTC chart follows the live BTC/USD ticks, starting from that channel's history.
function addTick(d) {
  if (!d || typeof d.price !== 'number') return;
  const x = new Date(d.timestamp || Date.now()).getTime();
  const last = btcPoints[btcPoints.length - 1];
  if (last && last.x >= x) return;
  btcPoints.push({ x, y: d.price });
  if (btcPoints.length > MAX_POINTS) btcPoints.shift();
}
client.history('prices.btc-usd', { limit: MAX_POINTS }).then((r) => {
  const older = r.events.map((f) => f.event && f.event.data).filter((d) => d && typeof d.price === 'number');
  const merged = [...older.map((d) => ({ x: new Date(d.timestamp).getTime(), y: d.price })), ...btcPoints]
    .filter((p) => Number.isFinite(p.x)).sort((a, b) => a.x - b.x);
  btcPoints.length = 0;
  for (const p of merged) if (!btcPoints.length || p.x > btcPoints[btcPoints.length - 1].x) btcPoints.push(p);
  priceChart.update('none');
}).catch(() => { /* history is a nicety; live ticks still come */ });
client.subscribe('prices.btc-usd', (event) => {
  addTick(event.data);
  priceChart.update('none');
});

client.subscribe('crypto.summary', (event) => accept(event.data), {
  onSubscribed: (info) => {
    if (info.offset === 0 && !summary) {
      // nothing published yet on this channel: ask the fetcher directly once
      fetchJson(`${config.fetcher}/api/crypto/dashboard-summary`).then((s) => { if (!summary) accept(s); }).catch(() => {});
    }
  },
});

render();
setInterval(() => {
  const el = document.getElementById('updated-ago');
  if (el && summary) el.textContent = agoText(summary.updatedAt, T[lang]);
}, 1000);
