// The status page: a hash router over three views and the live-update loop (polling the public JSON API).
import {h} from './dom.js';
import {uiSettings} from './api.js';
import {fleetView} from './fleet.js';
import {runView} from './run.js';
import {pendingView} from './pending.js';

const main = document.getElementById('main');
const live = document.getElementById('live');
let timer = null;
let refresh = null;
let generation = 0;

function currentNav(view) {
  document.querySelectorAll('nav a').forEach(a => {
    if (a.dataset.view === view) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
}

async function route() {
  const gen = ++generation;
  clearTimeout(timer);
  refresh = null;
  const hash = location.hash.replace(/^#/, '') || '/';
  const run = hash.match(/^\/runs\/([0-9a-f-]{36})$/);
  try {
    if (run) {
      currentNav('fleet');
      await runView(main, run[1]);
    } else if (hash === '/gates' || hash === '/probes') {
      currentNav(hash.slice(1));
      await pendingView(main, hash.slice(1));
    } else {
      currentNav('fleet');
      document.title = 'llm-canary status';
      refresh = fleetView(main);
      await poll(gen);
    }
  } catch (e) {
    if (gen === generation) showError(e);
  }
}

/** Live updates: poll the fleet API every refresh interval while the page is visible. */
async function poll(gen) {
  if (gen !== generation || !refresh) return;
  const {refreshSeconds} = await uiSettings();
  if (!document.hidden) {
    try {
      await refresh();
      live.textContent = `Live: updated ${new Date().toLocaleTimeString()}, every ${refreshSeconds} s`;
      live.classList.remove('stale');
    } catch (e) {
      live.textContent = `Update failed (${e.message}); retrying every ${refreshSeconds} s`;
      live.classList.add('stale');
    }
  }
  if (gen === generation) timer = setTimeout(() => poll(gen), refreshSeconds * 1000);
}

function showError(e) {
  const status = e.status ? ` (HTTP ${e.status})` : '';
  main.replaceChildren(h('h2', {}, 'Could not load this view'), h('p', {class: 'bad', role: 'alert'}, e.message + status),
    h('p', {}, h('a', {href: '#/'}, 'Back to the fleet')));
}

window.addEventListener('hashchange', () => { route(); main.focus({preventScroll: true}); });
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && refresh) { clearTimeout(timer); poll(generation); }
});
route();
