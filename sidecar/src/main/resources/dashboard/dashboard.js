// Ironclad dashboard: polls /ops/consistency/summary and /ops/consistency/events and draws them.
// No dependencies and no build step: the page must work on a machine without internet access.
'use strict';

const SERIES = [
  { kind: 'retry', label: 'retries', color: '#3b6fd8' },
  { kind: 'stale_metadata', label: 'stale metadata', color: '#8e6bd1' },
  { kind: 'integrity_refusal', label: 'integrity refusals', color: '#c62828' },
  { kind: 'timeout', label: 'timeouts', color: '#ef8a00' },
  { kind: 'backend_unavailable', label: 'backend unavailable', color: '#6d4c41' },
  { kind: 'upstream_error', label: 'upstream errors', color: '#d81b60' },
];
const POLL_MILLIS = 5000;
const SVG_NS = 'http://www.w3.org/2000/svg';

function el(tag, attrs, text) {
  const node = tag.startsWith('svg:') ? document.createElementNS(SVG_NS, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

function renderTotals(summary) {
  const box = document.getElementById('totals');
  box.replaceChildren(...summary.kinds.map(kind => {
    const card = el('div', { class: 'total', id: 'total-' + kind });
    const series = SERIES.find(s => s.kind === kind);
    if (series) card.style.borderLeftColor = series.color;
    card.append(el('div', { class: 'n' }, String(summary.totals[kind] || 0)), el('div', { class: 'k' }, kind.split('_').join(' ')));
    return card;
  }));
  const total = Object.values(summary.totals).reduce((a, b) => a + b, 0);
  document.getElementById('empty').hidden = total > 0;
}

// Integer ticks from 0 that end at or above max: every integer up to 5, else a 1-2-5 step giving
// at most 5 intervals. (Rounding 0, max/2 and max labelled an empty chart "0, 1, 1".)
function axisTicks(max) {
  if (max <= 5) return Array.from({ length: Math.max(1, max) + 1 }, (_, i) => i);
  const rough = max / 5, magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
  const step = [1, 2, 5, 10].map(m => m * magnitude).find(s => s >= rough);
  const ticks = [];
  for (let t = 0; t < max + step; t += step) ticks.push(t);
  return ticks;
}

// Stacked bars of buckets[i][key(s)] for each series, with a y-axis of axisTicks; the chart's
// buckets are drawn into svg (1000 x height viewBox units).
function drawStacked(svg, buckets, series, count, height) {
  const width = 1000, left = 40, bottom = 20, top = 10;
  const stacked = buckets.map(b => series.reduce((sum, s) => sum + count(b, s), 0));
  const ticks = axisTicks(Math.max(0, ...stacked));
  const axisMax = ticks[ticks.length - 1];
  const slot = (width - left) / Math.max(1, buckets.length);
  const scale = (height - bottom - top) / axisMax;
  const children = [];
  for (const tick of ticks) {
    const y = height - bottom - tick * scale;
    children.push(el('svg:line', { x1: left, x2: width, y1: y, y2: y, stroke: '#e4e7ee', 'data-tick': tick }));
    children.push(el('svg:text', { x: left - 4, y: y + 4, 'text-anchor': 'end', class: 'y-label', 'data-tick': tick }, String(tick)));
  }
  buckets.forEach((bucket, i) => {
    let y = height - bottom;
    for (const s of series) {
      const n = count(bucket, s);
      if (n === 0) continue;
      const h = n * scale;
      y -= h;
      const bar = el('svg:rect', { x: left + i * slot + 1, y, width: Math.max(1, slot - 2), height: h, fill: s.color,
        'data-kind': s.kind, 'data-count': n, 'data-start': bucket.start });
      bar.append(el('svg:title', {}, `${bucket.start}: ${n} ${s.label}`));
      children.push(bar);
    }
  });
  const labels = [0, Math.floor(buckets.length / 2), buckets.length - 1];
  for (const i of new Set(labels)) {
    if (!buckets[i]) continue;
    const anchor = i === 0 ? 'start' : i === buckets.length - 1 ? 'end' : 'middle';
    const x = left + i * slot + (i === buckets.length - 1 ? slot : 0);
    children.push(el('svg:text', { x, y: height - 4, 'text-anchor': anchor }, new Date(buckets[i].start).toLocaleTimeString()));
  }
  svg.replaceChildren(...children);
}

function renderChart(summary) {
  drawStacked(document.getElementById('chart'), summary.buckets, SERIES, (b, s) => b.counts[s.kind] || 0, 220);
  document.getElementById('legend').replaceChildren(...SERIES.map(s => {
    const item = el('span', {}, `${s.label} (${summary.totals[s.kind] || 0})`);
    const swatch = el('i');
    swatch.style.background = s.color;
    item.prepend(swatch);
    return item;
  }));
}

function renderLag(summary) {
  const rows = summary.lag.map(lag => {
    const row = el('tr', { 'data-driver': lag.driver, class: 'lag-row' });
    row.append(el('td', {}, lag.driver));
    for (const [field, value] of [['samples', lag.samples], ['p50', lag.p50Millis], ['p95', lag.p95Millis],
        ['max', lag.maxMillis], ['timeouts', lag.timeouts]]) {
      row.append(el('td', { class: 'num', 'data-field': field }, String(value)));
    }
    return row;
  });
  document.querySelector('#lag tbody').replaceChildren(...rows);
  document.getElementById('lag-empty').hidden = rows.length > 0;
}

function renderEvents(events) {
  document.querySelector('#events tbody').replaceChildren(...events.map(e => {
    const row = el('tr', { 'data-kind': e.kind });
    row.append(el('td', { title: e.at }, new Date(e.at).toLocaleTimeString()));
    for (const value of [e.kind, e.driver, e.operation, e.key, e.attempt, e.elapsedMillis, e.detail]) {
      row.append(el('td', {}, String(value)));
    }
    return row;
  }));
}

async function getJson(url) {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

async function refresh() {
  const span = document.getElementById('window').value;
  const status = document.getElementById('status');
  try {
    const [summary, recent] = await Promise.all([
      getJson(`/ops/consistency/summary?window=${span}`),
      getJson(`/ops/consistency/events?limit=20&since=${span}`),
    ]);
    renderTotals(summary);
    renderChart(summary);
    renderLag(summary);
    renderEvents(recent.events);
    await refreshOverview(summary);
    status.hidden = true;
    document.getElementById('updated').textContent =
      `${summary.bucketSeconds}s buckets · updated ${new Date().toLocaleTimeString()}` +
      (summary.dropped > 0 ? ` · ${summary.dropped} events dropped by the recorder` : '');
    document.body.dataset.state = 'ready';
  } catch (e) {
    status.textContent = `Could not load the consistency summary: ${e.message}`;
    status.hidden = false;
    document.body.dataset.state = 'error';
  }
}

document.getElementById('window').addEventListener('change', refresh);
refresh();
setInterval(refresh, POLL_MILLIS);
