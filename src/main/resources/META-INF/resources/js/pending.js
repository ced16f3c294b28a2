// Views of features a server may not have yet (deployment gates, load probes). The page asks the server's OpenAPI
// document whether the API exists and says so plainly when it does not; when it does, it lists what the API returns.
import {h} from './dom.js';
import {getJson, serverHas} from './api.js';

export const PENDING = {
  gates: {title: 'Deployment gates', path: '/api/gates'},
  probes: {title: 'Load probes', path: '/api/load-probes'},
};

export async function pendingView(main, key) {
  const v = PENDING[key];
  main.replaceChildren(h('h2', {}, v.title), h('p', {}, 'Loading…'));
  if (!(await serverHas(v.path))) {
    main.replaceChildren(h('h2', {}, v.title),
      h('p', {class: 'unavailable', id: 'unavailable'}, `${v.title}: not available on this server (`,
        h('code', {}, v.path), ' is not part of its API).'));
    return;
  }
  const items = await getJson(v.path);
  const list = Array.isArray(items) ? items : (items.items || items[key] || []);
  // generic until the gate and load-probe views land: one row per item, its scalar fields as columns
  const cols = [...new Set(list.flatMap(i => Object.keys(i).filter(k => i[k] === null || typeof i[k] !== 'object')))];
  main.replaceChildren(h('h2', {}, v.title), list.length === 0 ? h('p', {}, 'None.') :
    h('table', {class: 'list'}, h('thead', {}, h('tr', {}, cols.map(c => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, list.map(i => h('tr', {}, cols.map(c => h('td', {}, i[c] == null ? '—' : String(i[c]))))))));
}
