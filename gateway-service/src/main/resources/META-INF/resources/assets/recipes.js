// `/recipes`: the example CRUD backend (pubsub-relay). Writes go over HTTP; every browser,
// this one included, learns about them from the `recipes` channel, so all stay in sync.
import { shell, hg, h, fill, fmt, config, fetchJson, toast } from '/assets/app.js';

const main = shell({ title: 'Recipes', subtitle: 'Change a recipe here and every other open browser shows it at once, without reloading.' });
const client = hg();
const api = `${config.relay}/api/recipes`;

// The CRUD backend's writes need its key (./heliograph up generates .heliograph/crud.key); this
// browser keeps it once typed.
const CRUD_KEY_STORE = 'heliograph.crudKey';
const writeHeaders = () => ({ 'Content-Type': 'application/json', Authorization: `Bearer ${localStorage.getItem(CRUD_KEY_STORE) || ''}` });

const recipes = new Map(); // id -> recipe
const deleted = new Set(); // ids deleted while the list was loading
let loaded = false;

const listBody = h('div', { id: 'recipe-list', class: 'stack' });
const activity = h('ul', { class: 'log', id: 'recipe-activity' });
const countBadge = h('span', { class: 'badge', id: 'recipe-count' }, '…');
const form = buildForm();
main.append(h('section', { class: 'grid cols-3' },
  h('div', { class: 'card span-2' },
    h('div', { class: 'card-head' }, h('h2', null, 'All recipes'), countBadge),
    listBody),
  h('div', { class: 'stack' },
    form.el,
    h('div', { class: 'card' }, h('div', { class: 'card-head' }, h('h2', null, 'Live changes'), h('span', { class: 'meta' }, 'channel recipes')), activity))));

function render() {
  const list = [...recipes.values()].sort((a, b) => String(b.updatedAt || '').localeCompare(String(a.updatedAt || '')) || b.id - a.id);
  countBadge.textContent = `${list.length} recipe${list.length === 1 ? '' : 's'}`;
  if (!loaded && list.length === 0) {
    fill(listBody, h('div', { class: 'empty' }, 'Loading…'));
    return;
  }
  if (list.length === 0) {
    fill(listBody, h('div', { class: 'empty' }, 'No recipes yet. Add the first one.'));
    return;
  }
  fill(listBody, h('div', { class: 'table-wrap', style: { maxHeight: 'none' } }, h('table', null,
    h('thead', null, h('tr', null, h('th', null, 'Recipe'), h('th', null, 'Ingredients'), h('th', { class: 'right' }, 'Time'), h('th', null, 'Updated'), h('th', null, ''))),
    h('tbody', null, list.map((r) => h('tr', { 'data-recipe-id': r.id, class: r.fresh ? 'flash' : '' },
      h('td', null, h('div', { style: { fontWeight: 600 }, 'data-field': 'title' }, r.title || '(untitled)'), r.summary ? h('div', { class: 'muted', style: { fontSize: '12.5px' } }, r.summary) : null),
      h('td', { class: 'muted', style: { fontSize: '12.5px' } }, Array.isArray(r.ingredients) && r.ingredients.length ? r.ingredients.join(', ') : '—'),
      h('td', { class: 'right nowrap' }, typeof r.minutes === 'number' ? `${r.minutes} min` : '—'),
      h('td', { class: 'nowrap faint' }, fmt.ago(r.updatedAt || r.createdAt)),
      h('td', { class: 'right nowrap' },
        h('button', { class: 'small', type: 'button', onclick: () => form.edit(r) }, 'Edit'), ' ',
        h('button', { class: 'small danger', type: 'button', onclick: () => remove(r) }, 'Delete'))))))));
  for (const r of list) r.fresh = false;
}

function logChange(text) {
  activity.prepend(h('li', null, h('span', { class: 't' }, fmt.time(Date.now())), h('span', null, text)));
  while (activity.children.length > 30) activity.lastElementChild.remove();
}

function apply(type, r) {
  if (!r || r.id === undefined || r.id === null) return;
  if (type === 'recipe:deleted') {
    deleted.add(r.id);
    if (recipes.delete(r.id)) logChange(`deleted “${r.title}”`);
  } else {
    const old = recipes.get(r.id);
    if (old && old.updatedAt && r.updatedAt && old.updatedAt > r.updatedAt) return; // an older copy
    recipes.set(r.id, { ...r, fresh: true });
    logChange(`${type === 'recipe:created' ? 'created' : 'updated'} “${r.title}”`);
  }
  render();
}

let subscribedOnce = false;
client.subscribe('recipes', (event) => {
  if (typeof event.type === 'string' && event.type.startsWith('recipe:')) apply(event.type, event.data);
}, {
  // After an outage longer than the channel's history the missed changes are gone: reload the list.
  onSubscribed: (info) => {
    if (subscribedOnce && !info.recovered) load();
    subscribedOnce = true;
  },
});

async function load() {
  try {
    const list = await fetchJson(api);
    const ids = new Set();
    for (const r of Array.isArray(list) ? list : []) {
      ids.add(r.id);
      const old = recipes.get(r.id);
      if (!deleted.has(r.id) && (!old || !old.updatedAt || old.updatedAt <= r.updatedAt)) recipes.set(r.id, r);
    }
    if (loaded) for (const id of [...recipes.keys()]) if (!ids.has(id)) recipes.delete(id); // deleted while we were away
  } catch (e) {
    fill(listBody, h('div', { class: 'notice error', role: 'alert' }, `Cannot load the recipes: ${e.message}`));
    loaded = true;
    return;
  }
  loaded = true;
  render();
}

async function remove(r) {
  try {
    await fetchJson(`${api}/${r.id}`, { method: 'DELETE', headers: writeHeaders() });
  } catch (e) {
    toast(`Not deleted: ${e.message}`, 'error');
  }
}

function buildForm() {
  let editing = null;
  const title = h('input', { id: 'recipe-title', name: 'title', required: true, maxlength: 120, placeholder: 'Phở bò' });
  const summary = h('textarea', { id: 'recipe-summary', name: 'summary', rows: 3, maxlength: 1000, placeholder: 'Beef noodle soup with star anise and charred ginger', style: { fontFamily: 'var(--sans)', fontSize: '14px', minHeight: '64px' } });
  const ingredients = h('input', { id: 'recipe-ingredients', name: 'ingredients', placeholder: 'rice noodles, beef, star anise (comma separated)' });
  const minutes = h('input', { id: 'recipe-minutes', name: 'minutes', type: 'number', min: 1, max: 10000, placeholder: '45' });
  const key = h('input', { id: 'recipe-key', type: 'password', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'the CRUD key (.heliograph/crud.key)', value: localStorage.getItem(CRUD_KEY_STORE) || '',
    oninput: () => localStorage.setItem(CRUD_KEY_STORE, key.value.trim()) });
  const heading = h('h2', null, 'New recipe');
  const submit = h('button', { class: 'primary', type: 'submit', id: 'recipe-save' }, 'Add recipe');
  const cancel = h('button', { type: 'button', class: 'hidden', onclick: () => reset() }, 'Cancel');
  const result = h('div');
  function reset() {
    editing = null;
    el.reset();
    key.value = localStorage.getItem(CRUD_KEY_STORE) || ''; // the key outlives the form's contents
    heading.textContent = 'New recipe';
    submit.textContent = 'Add recipe';
    cancel.classList.add('hidden');
  }
  const el = h('form', {
    class: 'card', id: 'recipe-form',
    onsubmit: async (ev) => {
      ev.preventDefault();
      fill(result);
      const body = {
        title: title.value.trim(),
        summary: summary.value.trim() || null,
        ingredients: ingredients.value.split(',').map((s) => s.trim()).filter(Boolean),
        minutes: minutes.value ? Number(minutes.value) : null,
      };
      submit.disabled = true;
      try {
        if (editing) await fetchJson(`${api}/${editing.id}`, { method: 'PUT', headers: writeHeaders(), body: JSON.stringify(body) });
        else await fetchJson(api, { method: 'POST', headers: writeHeaders(), body: JSON.stringify(body) });
        reset();
      } catch (e) {
        fill(result, h('div', { class: 'notice error', role: 'alert' }, e.message));
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('div', { class: 'card-head' }, heading),
  h('div', { class: 'field' }, h('label', { for: 'recipe-title' }, 'Title'), title),
  h('div', { class: 'field' }, h('label', { for: 'recipe-summary' }, 'Summary'), summary),
  h('div', { class: 'field' }, h('label', { for: 'recipe-ingredients' }, 'Ingredients'), ingredients),
  h('div', { class: 'field' }, h('label', { for: 'recipe-minutes' }, 'Minutes'), minutes),
  h('div', { class: 'field' }, h('label', { for: 'recipe-key' }, 'CRUD key'), key),
  h('div', { class: 'row' }, submit, cancel),
  result);
  return {
    el,
    edit(r) {
      editing = r;
      title.value = r.title || '';
      summary.value = r.summary || '';
      ingredients.value = Array.isArray(r.ingredients) ? r.ingredients.join(', ') : '';
      minutes.value = typeof r.minutes === 'number' ? r.minutes : '';
      heading.textContent = `Edit recipe #${r.id}`;
      submit.textContent = 'Save changes';
      cancel.classList.remove('hidden');
      title.focus();
    },
  };
}

render();
load();
