// The status page: a hash router over three views and the live-update loop (polling the public JSON API).
import {h} from './dom.js';
import {uiSettings} from './api.js';
import {fleetView} from './fleet.js';
import {runView} from './run.js';
import {gateListView, gateView} from './gates.js';
import {probeListView, probeView} from './probes.js';

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
  const gate = hash.match(/^\/gates\/([A-Za-z0-9][A-Za-z0-9-]{0,63})$/);
  const probe = hash.match(/^\/probes\/([0-9a-f-]{36})$/);
  try {
    if (run) {
      currentNav('fleet');
      live.textContent = '';
      await runView(main, run[1]);
    } else if (gate || hash === '/gates') {
      currentNav('gates');
      document.title = 'Deployment gates · llm-canary';
      refresh = gate ? gateView(main, gate[1]) : gateListView(main);
      await poll(gen);
    } else if (probe || hash === '/probes') {
      currentNav('probes');
      document.title = 'Load probes · llm-canary';
      refresh = probe ? probeView(main, probe[1]) : probeListView(main);
      await poll(gen);
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

/**
 * Live updates: call the view's refresh (it polls the public API) every refresh interval while the page is visible.
 * A refresh that answers true has nothing more to show (a finished gate or probe): polling stops.
 */
async function poll(gen) {
  if (gen !== generation || !refresh) return;
  const {refreshSeconds} = await uiSettings();
  if (!document.hidden) {
    try {
      const finished = await refresh();
      if (gen !== generation) return;
      if (finished === true) {
        live.textContent = `Finished: updated ${new Date().toLocaleTimeString()}, no more updates`;
        live.classList.remove('stale');
        refresh = null;
        return;
      }
      live.textContent = `Live: updated ${new Date().toLocaleTimeString()}, every ${refreshSeconds} s`;
      live.classList.remove('stale');
    } catch (e) {
      if (e.status === 404 || e.status === 400) throw e;
      live.textContent = `Update failed (${e.message}); retrying every ${refreshSeconds} s`;
      live.classList.add('stale');
    }
  }
  if (gen === generation) timer = setTimeout(() => poll(gen).catch(e => { if (gen === generation) showError(e); }),
    refreshSeconds * 1000);
}

function showError(e) {
  const status = e.status ? ` (HTTP ${e.status})` : '';
  main.replaceChildren(h('h2', {}, 'Could not load this view'), h('p', {class: 'bad', role: 'alert'}, e.message + status),
    h('p', {}, h('a', {href: '#/'}, 'Back to the fleet')));
}

window.addEventListener('hashchange', () => { route(); main.focus({preventScroll: true}); });
document.addEventListener('visibilitychange', () => {
  if (!document.hidden && refresh) {
    const gen = generation;
    clearTimeout(timer);
    poll(gen).catch(e => { if (gen === generation) showError(e); });
  }
});
route();
