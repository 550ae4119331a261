// `/chat`: rooms on `chat.<room>`, published straight from the browser over the WebSocket,
// with presence (who is here), the last 50 messages, and clear feedback when the gateway
// refuses a message (rate limit: 1 message/s; name 1..50 and text 1..500 characters).
import { shell, hg, h, fill, fmt, colorFor } from '/assets/app.js';

const NAME_MAX = 50;
const TEXT_MAX = 500;
const DEFAULT_ROOMS = ['lobby', 'random', 'engineering'];
const ROOM_PATTERN = /^[a-z0-9][a-z0-9_-]{0,40}$/;

const main = shell({ title: 'Chat', subtitle: 'Messages are published by the browser itself; presence is shared by every gateway.' });
const client = hg();

const params = new URLSearchParams(location.search);
let room = ROOM_PATTERN.test(location.hash.slice(1)) ? location.hash.slice(1) : 'lobby';
let name = params.get('name') || localStorage.getItem('hg-chat-name') || `guest-${Math.floor(1000 + Math.random() * 9000)}`;
const rooms = [...new Set([...DEFAULT_ROOMS, room])];

let sub = null;
let generation = 0; // increases with every room switch, so that late answers of an old room are ignored
const members = new Map(); // session -> client info
const seenOffsets = new Set();

// ---- layout
const roomList = h('ul', { class: 'rooms', id: 'rooms' });
const newRoom = h('input', { placeholder: 'new-room', 'aria-label': 'Join or create a room', id: 'new-room' });
const people = h('ul', { class: 'people', id: 'presence' });
const presenceCount = h('span', { class: 'badge', id: 'presence-count' }, '0');
const messages = h('div', { class: 'messages', id: 'messages', 'aria-live': 'polite' });
const nameInput = h('input', { id: 'chat-name', value: name, 'aria-label': 'Your name', style: { maxWidth: '180px' } });
const textInput = h('input', { id: 'chat-text', placeholder: 'Write a message…', autocomplete: 'off', 'aria-label': 'Message' });
const counter = h('span', { class: 'faint', id: 'chat-counter', style: { fontSize: '12px', minWidth: '56px', textAlign: 'right' } }, `0/${TEXT_MAX}`);
const sendBtn = h('button', { class: 'primary', type: 'submit', id: 'chat-send' }, 'Send');
const feedback = h('div', { id: 'chat-feedback', role: 'alert' });
const roomTitle = h('h2', { id: 'room-title' });

main.append(h('section', { class: 'chat' },
  h('div', { class: 'card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Rooms')),
    roomList,
    h('form', { style: { marginTop: '12px' }, onsubmit: (ev) => { ev.preventDefault(); joinTyped(); } }, newRoom)),
  h('div', { class: 'card' },
    h('div', { class: 'card-head' }, roomTitle, h('span', { class: 'meta', id: 'room-channel' })),
    messages,
    feedback,
    h('form', { class: 'composer', id: 'composer', onsubmit: (ev) => { ev.preventDefault(); send(); } }, nameInput, textInput, counter, sendBtn)),
  h('div', { class: 'card' },
    h('div', { class: 'card-head' }, h('h2', null, 'Here now'), presenceCount),
    people)));

function initials(n) {
  return String(n || '?').split(/[\s_-]+/).filter(Boolean).slice(0, 2).map((p) => p[0].toUpperCase()).join('') || '?';
}

function renderRooms() {
  fill(roomList, rooms.map((r) => h('li', null, h('a', { href: `#${r}`, 'aria-current': r === room ? 'true' : null, 'data-room': r }, `# ${r}`))));
}

function renderPresence() {
  const list = [...members.values()];
  presenceCount.textContent = String(list.length);
  if (list.length === 0) {
    fill(people, h('li', { class: 'faint' }, 'Nobody here yet'));
    return;
  }
  fill(people, list.sort((a, b) => label(a).localeCompare(label(b))).map((c) => {
    const me = c.session === client.session;
    return h('li', { 'data-session': c.session },
      h('span', { class: 'avatar', style: { background: colorFor(c.session) } }, initials(label(c))),
      h('span', null, label(c), me ? h('span', { class: 'faint' }, ' (you)') : null));
  }));
}

function label(c) {
  if (c.user) return c.user;
  if (c.session === client.session) return name;
  return `guest ${String(c.session).slice(-4)}`;
}

function showFeedback(text, kind = 'error') {
  fill(feedback, text ? h('div', { class: `notice ${kind}` }, text) : null);
  if (text && kind !== 'error') setTimeout(() => { if (feedback.textContent === text) fill(feedback); }, 3000);
}

function addMessage(event, meta) {
  if (meta && seenOffsets.has(`${meta.epoch}:${meta.offset}`)) return;
  if (meta) seenOffsets.add(`${meta.epoch}:${meta.offset}`);
  const d = (event && event.data) || {};
  if (typeof d.text !== 'string') return;
  const atBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 40;
  messages.querySelector('.empty')?.remove();
  messages.append(h('div', { class: 'msg', 'data-offset': meta ? meta.offset : '' },
    h('span', { class: 'avatar', style: { background: colorFor(d.name) } }, initials(d.name)),
    h('div', null,
      h('div', null, h('span', { class: 'who' }, d.name || 'anonymous'), h('span', { class: 'when' }, fmt.time(event.time || Date.now()))),
      h('div', { class: 'text' }, d.text))));
  if (atBottom) messages.scrollTop = messages.scrollHeight;
}

async function refreshPresence(channel, gen) {
  try {
    const p = await client.presence(channel);
    if (gen !== generation) return;
    members.clear();
    for (const c of p.clients) members.set(c.session, c);
    renderPresence();
  } catch { /* the join / leave events keep the list roughly right */ }
}

async function enter(next) {
  room = next;
  const gen = ++generation;
  const channel = `chat.${room}`;
  if (sub) sub.unsubscribe();
  sub = null;
  members.clear();
  seenOffsets.clear();
  renderPresence();
  if (!rooms.includes(room)) rooms.push(room);
  renderRooms();
  roomTitle.textContent = `# ${room}`;
  document.getElementById('room-channel').textContent = channel;
  fill(messages, h('div', { class: 'empty' }, 'Loading messages…'));
  showFeedback(null);
  // The last messages first, then the subscription continues exactly after them.
  let since;
  try {
    const hist = await client.history(channel, { limit: 50 });
    if (gen !== generation) return;
    fill(messages);
    for (const f of hist.events) addMessage(f.event, { epoch: f.epoch, offset: f.offset });
    since = { epoch: hist.epoch, offset: hist.offset };
  } catch {
    if (gen !== generation) return;
    fill(messages);
  }
  if (!messages.children.length) messages.append(h('div', { class: 'empty' }, 'No messages yet. Say hello!'));
  messages.scrollTop = messages.scrollHeight;
  sub = client.subscribe(channel, (event, meta) => addMessage(event, meta), {
    since,
    onSubscribed: () => refreshPresence(channel, gen),
    onJoin: ({ client: c }) => { if (gen === generation) { members.set(c.session, c); renderPresence(); } },
    onLeave: ({ client: c }) => { if (gen === generation) { members.delete(c.session); renderPresence(); } },
    onError: (e) => showFeedback(`Cannot join ${channel}: ${e.message}`),
  });
}

function joinTyped() {
  const r = newRoom.value.trim().toLowerCase().replace(/\s+/g, '-');
  if (!ROOM_PATTERN.test(r)) {
    showFeedback('A room name is 1 to 41 lowercase letters, digits, - or _.');
    return;
  }
  newRoom.value = '';
  location.hash = r;
}

async function send() {
  const n = nameInput.value.trim();
  const text = textInput.value.trim();
  if (!n || [...n].length > NAME_MAX) {
    showFeedback(`Your name must be 1 to ${NAME_MAX} characters.`);
    nameInput.focus();
    return;
  }
  if (!text) return;
  if ([...text].length > TEXT_MAX) {
    showFeedback(`A message is at most ${TEXT_MAX} characters (this one has ${[...text].length}).`);
    return;
  }
  name = n;
  localStorage.setItem('hg-chat-name', name);
  sendBtn.disabled = true;
  try {
    await client.publish(`chat.${room}`, 'chat-message', { name, text });
    textInput.value = '';
    updateCounter();
    showFeedback(null);
    renderPresence();
  } catch (e) {
    const messagesByCode = {
      rate_limited: 'Slow down: you can send one message per second. Your message was not sent; try again in a moment.',
      bad_request: `The gateway refused this message: ${e.message}`,
      too_large: 'This message is too large.',
      forbidden: `You may not post in this room: ${e.message}`,
      unavailable: 'Sending needs the live WebSocket connection, which is not available right now. Try again in a moment.',
      disconnected: 'The connection dropped while sending; the message may not have been delivered.',
      timeout: 'Not connected: the message was not sent.',
    };
    showFeedback(messagesByCode[e.code] || `Not sent: ${e.message}`, e.code === 'rate_limited' ? 'warn' : 'error');
    feedback.dataset.code = e.code || '';
  } finally {
    sendBtn.disabled = false;
    textInput.focus();
  }
}

function updateCounter() {
  const n = [...textInput.value].length;
  counter.textContent = `${n}/${TEXT_MAX}`;
  counter.style.color = n > TEXT_MAX ? 'var(--down)' : '';
}
textInput.addEventListener('input', updateCounter);
nameInput.addEventListener('change', () => { name = nameInput.value.trim() || name; renderPresence(); });
window.addEventListener('hashchange', () => {
  const r = location.hash.slice(1);
  if (ROOM_PATTERN.test(r) && r !== room) enter(r);
});

renderRooms();
enter(room);
