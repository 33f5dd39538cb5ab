// Ironclad dashboard, registry panels: repositories and storage (/ops/repositories), pushes and
// pulls (/ops/traffic) and the meters of optional features (/ops/meters). A feature whose meters
// the server does not register (no write-back cache, no pull-through upstream, an older server)
// shows a one-line note instead of its numbers. Loaded before dashboard.js, which calls
// refreshOverview on every poll and provides el() and drawStacked().
'use strict';

const TRAFFIC_SERIES = [
  { kind: 'pushes', label: 'pushes', color: '#2e7d32' },
  { kind: 'pulls', label: 'pulls', color: '#3b6fd8' },
];
// contracts with the components that register them (names as in Micrometer, before Prometheus' suffixes)
const METERS = {
  backendAvailable: 'ironclad.backend.available',
  backendUnavailable: 'ironclad.backend.unavailable',
  pendingCount: 'ironclad.writeback.pending.count',
  pendingBytes: 'ironclad.writeback.pending.bytes',
  oldestAge: 'ironclad.writeback.oldest.age.seconds',
  oldestAgeUnitless: 'ironclad.writeback.oldest.age',
  upstreamErrors: 'ironclad.proxy.upstream.errors',
  staleServed: 'ironclad.proxy.stale.served',
  tagRefreshes: 'ironclad.proxy.tag.refreshes',
  upstreamBytes: 'ironclad.proxy.upstream.bytes',
  cachedBytes: 'ironclad.proxy.cached.bytes',
  evicted: 'ironclad.proxy.evicted',
};

function formatBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? String(n) : n.toFixed(n < 10 ? 2 : 1)) + ' ' + units[i];
}

function formatSeconds(s) {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function card(id, value, label, state, exact) {
  const box = el('div', { class: 'total' + (state ? ' state-' + state : ''), id });
  box.append(el('div', exact === undefined ? { class: 'n' } : { class: 'n', title: exact }, value), el('div', { class: 'k' }, label));
  return box;
}

function renderRegistry(repos, traffic) {
  const t = repos.totals;
  document.getElementById('registry-totals').replaceChildren(
    card('registry-repositories', String(t.repositories), 'repositories'),
    card('registry-manifests', String(t.manifests), 'manifests'),
    card('registry-tags', String(t.tags), 'tags'),
    card('registry-blobs', String(t.blobs), 'blobs'),
    card('registry-stored', formatBytes(t.storedBytes), 'storage used (blobs once + manifests)', null, `${t.storedBytes} bytes`),
    card('registry-pushes', String(traffic.pushesLastMinute), 'pushes in the last minute'),
    card('registry-pulls', String(traffic.pullsLastMinute), 'pulls in the last minute'));
  const rows = repos.repositories.map(r => {
    const row = el('tr', { 'data-repository': r.name, class: 'repository-row' });
    row.append(el('td', {}, r.name));
    for (const [field, value] of [['manifests', r.manifests], ['tags', r.tags], ['blobs', r.blobs], ['blobBytes', r.blobBytes]]) {
      row.append(el('td', { class: 'num', 'data-field': field, title: String(value) }, field === 'blobBytes' ? formatBytes(value) : String(value)));
    }
    return row;
  });
  document.querySelector('#repositories tbody').replaceChildren(...rows);
  document.getElementById('repositories-empty').hidden = rows.length > 0;
  const more = document.getElementById('repositories-more');
  more.hidden = repos.next === null;
  more.textContent = `${rows.length} of ${t.repositories} repositories shown (first by name)`;
  drawStacked(document.getElementById('traffic-chart'), traffic.buckets, TRAFFIC_SERIES, (b, s) => b[s.kind], 140);
  const total = kind => traffic.buckets.reduce((sum, b) => sum + b[kind], 0);
  document.getElementById('traffic-legend').replaceChildren(...TRAFFIC_SERIES.map(s => {
    const item = el('span', { 'data-kind': s.kind }, `${s.label} (${total(s.kind)} in 15 min)`);
    const swatch = el('i');
    swatch.style.background = s.color;
    item.prepend(swatch);
    return item;
  }));
}

function byName(meters, name) {
  return meters.filter(m => m.name === name);
}

// the sum of the meters' values per value of one tag
function sumBy(meters, tag) {
  const sums = new Map();
  for (const m of meters) sums.set(m.tags[tag] || 'all', (sums.get(m.tags[tag] || 'all') || 0) + m.value);
  return sums;
}

function renderBackend(meters, summary) {
  const cards = byName(meters, METERS.backendAvailable).map(m => {
    const driver = m.tags.driver || 'backend';
    return card('backend-' + driver, m.value >= 1 ? 'up' : 'DOWN', driver + (m.value >= 1 ? ' available' : ' unavailable'),
      m.value >= 1 ? 'up' : 'down');
  });
  // calls that met a down backend: outcome failed (sent, failed) or refused (not sent: circuit open)
  const unavailable = byName(meters, METERS.backendUnavailable);
  for (const [driver, total] of sumBy(unavailable, 'driver')) {
    const outcomes = [...sumBy(unavailable.filter(m => (m.tags.driver || 'all') === driver), 'outcome')]
      .map(([outcome, n]) => `${Math.round(n)} ${outcome}`).join(', ');
    cards.push(card('backend-unavailable-' + driver, String(Math.round(total)), `calls that met ${driver} down (${outcomes})`));
  }
  if (summary.kinds.includes('backend_unavailable')) {
    cards.push(card('backend-events', String(summary.totals.backend_unavailable || 0), 'backend_unavailable events in the window'));
  }
  document.getElementById('backend-cards').replaceChildren(...cards);
  document.getElementById('backend-absent').hidden = cards.length > 0;
}

function renderWriteback(meters) {
  const count = byName(meters, METERS.pendingCount), bytes = byName(meters, METERS.pendingBytes);
  const age = byName(meters, METERS.oldestAge).concat(byName(meters, METERS.oldestAgeUnitless));
  const cards = [];
  count.forEach(m => cards.push(card('writeback-count', String(Math.round(m.value)), 'writes pending')));
  bytes.forEach(m => cards.push(card('writeback-bytes', formatBytes(Math.round(m.value)), 'bytes pending')));
  age.forEach(m => cards.push(card('writeback-age', formatSeconds(m.value), 'oldest pending write')));
  document.getElementById('writeback-cards').replaceChildren(...cards);
  document.getElementById('writeback-absent').hidden = cards.length > 0;
}

function renderUpstreams(meters) {
  const rows = new Map();
  const row = upstream => {
    if (!rows.has(upstream)) rows.set(upstream, { errors: 0, kinds: {}, stale: 0, refreshes: 0, bytes: 0 });
    return rows.get(upstream);
  };
  for (const m of byName(meters, METERS.upstreamErrors)) {
    const r = row(m.tags.upstream || 'all');
    r.errors += m.value;
    const kind = m.tags.kind || 'error';
    r.kinds[kind] = (r.kinds[kind] || 0) + m.value;
  }
  byName(meters, METERS.staleServed).forEach(m => { row(m.tags.upstream || 'all').stale += m.value; });
  byName(meters, METERS.tagRefreshes).forEach(m => { row(m.tags.upstream || 'all').refreshes += m.value; });
  byName(meters, METERS.upstreamBytes).forEach(m => { row(m.tags.upstream || 'all').bytes += m.value; });
  document.querySelector('#upstream-table tbody').replaceChildren(...[...rows.entries()].map(([upstream, r]) => {
    const tr = el('tr', { 'data-upstream': upstream, class: 'upstream-row' });
    const kinds = Object.entries(r.kinds).filter(([, n]) => n > 0).sort().map(([k, n]) => `${k}: ${Math.round(n)}`).join(', ');
    tr.append(el('td', {}, upstream), el('td', { class: 'num', 'data-field': 'errors' }, String(Math.round(r.errors))),
      el('td', { 'data-field': 'kinds' }, kinds || '–'), el('td', { class: 'num', 'data-field': 'stale' }, String(Math.round(r.stale))),
      el('td', { class: 'num', 'data-field': 'refreshes' }, String(Math.round(r.refreshes))),
      el('td', { class: 'num', 'data-field': 'bytes' }, formatBytes(Math.round(r.bytes))));
    return tr;
  }));
  document.getElementById('upstream-table').hidden = rows.size === 0;
  // the cache's size and evictions (one cache for all upstreams): every server registers them, so
  // they are shown once there is an upstream or something cached or evicted
  const cached = byName(meters, METERS.cachedBytes), evicted = byName(meters, METERS.evicted);
  const total = list => list.reduce((sum, m) => sum + m.value, 0);
  const cards = rows.size > 0 || total(cached) > 0 || total(evicted) > 0 ? [
    ...cached.slice(0, 1).map(() => card('proxy-cached', formatBytes(Math.round(total(cached))), 'cached images (bytes)', null,
      `${Math.round(total(cached))} bytes`)),
    ...evicted.slice(0, 1).map(() => card('proxy-evicted', String(Math.round(total(evicted))), 'cached images evicted by max-bytes')),
  ] : [];
  document.getElementById('proxy-cache-cards').replaceChildren(...cards);
  document.getElementById('upstreams-absent').hidden = rows.size > 0 || cards.length > 0;
}

async function refreshOverview(summary) {
  const names = Object.values(METERS).join(',');
  const [repos, traffic, meters] = await Promise.all([
    getJson('/ops/repositories?n=50'),
    getJson('/ops/traffic?window=15m'),
    getJson(`/ops/meters?name=${encodeURIComponent(names)}`),
  ]);
  renderRegistry(repos, traffic);
  renderBackend(meters.meters, summary);
  renderWriteback(meters.meters);
  renderUpstreams(meters.meters);
}
