// SPDX-License-Identifier: MIT
// SegOid review page: slideshow, triage grid, flags and mask corrections. No external code.
'use strict';
(() => {
  const token = new URLSearchParams(location.search).get('t') || '';
  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

  const state = {
    items: [], options: {}, idx: 0, phase: 'plain', paused: false, mode: 'slideshow', tool: 'view',
    polyMode: 'add', brushRadius: 12, reason: '', edits: [], redo: [], zoom: 1, tx: 0, ty: 0,
    timer: null, finished: false, switchStart: 0, polygon: null, stroke: null, grid: false, message: '',
  };
  // What the browser test reads.
  window.__review = { switchTimes: [], state };

  const panes = { plain: $('#pane-plain'), main: $('#pane-main') };
  const ui = {
    basePlain: $('#pane-plain .base'), base: $('#pane-main .base'), ovl: $('#pane-main .ovl'),
    svg: $('#pane-main .draw'), hires: $('#pane-main .hires'), hiresOvl: $('#pane-main .hires-ovl'),
    hiresPlain: $('#pane-plain .hires'),
  };

  function url(path, params = {}) {
    const query = new URLSearchParams({ t: token, ...params });
    return path + '?' + query.toString();
  }
  async function request(path, params, body) {
    const response = await fetch(url(path, params), body === undefined ? {} : {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(path + ': ' + response.status + ' ' + (await response.text()));
    return response.json();
  }
  // Changes go to the server one at a time, in order, so that answers never arrive out of order.
  let queue = Promise.resolve();
  function api(path, params = {}, body = undefined) {
    if (body === undefined) return request(path, params, body);
    const next = queue.then(() => request(path, params, body));
    queue = next.catch(() => {});
    return next;
  }
  // Copies only the fields an answer is about, so that it cannot undo another change.
  const take = (item, answer, keys) => { for (const key of keys) item[key] = answer[key]; };
  const current = () => state.items[state.idx];
  // The plain image never changes; the overlay URL carries the edit version, so caches stay valid.
  const imageUrl = (item, layer) => url('/api/image', layer === 'image' ? { name: item.name, layer } : { name: item.name, layer, v: item.version });

  // Decoded previews of the images around the current one, so that moving on is instant.
  const preloaded = new Map();
  function preload(item) {
    for (const layer of ['image', 'overlay']) {
      const src = imageUrl(item, layer);
      if (preloaded.has(src)) continue;
      const img = new Image();
      img.src = src;
      preloaded.set(src, img.decode().catch(() => {}).then(() => img));
    }
    while (preloaded.size > 16) preloaded.delete(preloaded.keys().next().value);
  }
  function preloadAround() {
    for (let ahead = 1; ahead <= 2; ++ahead) {
      if (state.items.length > ahead) preload(state.items[(state.idx + ahead) % state.items.length]);
    }
  }

  // ---- status line and reasons ----
  function counts() {
    const c = { good: 0, flagged: 0, unreviewed: 0 };
    for (const item of state.items) {
      if (item.flagged) c.flagged++; else if (item.reviewed) c.good++; else c.unreviewed++;
    }
    return c;
  }
  function renderStatus() {
    const item = current();
    if (!item) return;
    const c = counts();
    const left = $('#status-left');
    left.textContent = '';
    const add = (text, cls) => { const s = document.createElement('span'); s.textContent = text; if (cls) s.className = cls; left.append(s); };
    add(`${state.idx + 1}/${state.items.length}  ${item.file}  `);
    add(`good ${c.good}`, 'good'); add(' · ');
    add(`flagged ${c.flagged}`, 'flagged'); add(' · ');
    add(`unreviewed ${c.unreviewed}`);
    if (item.flagged) add(`   flagged: ${item.reason || '(no reason)'}`, 'flagged');
    if (item.corrected) add('   correction saved', 'good');
    const right = [];
    if (state.grid) right.push('grid: least confident first; click an image to open it');
    else right.push(state.mode === 'toggle' ? (state.phase === 'overlay' ? 'overlay' : 'image') : state.mode === 'slideshow' ? `phase ${state.phase}` : 'side by side');
    if (state.mode !== 'toggle') right.push(state.paused ? 'paused' : 'playing');
    if (state.tool !== 'view') right.push(`tool ${state.tool}${state.tool === 'polygon' ? ' (' + state.polyMode + ')' : ''}${state.tool === 'brush' || state.tool === 'erase' ? ' r=' + state.brushRadius : ''}`);
    if (state.edits.length) right.push(`${state.edits.length} edits`);
    if (state.zoom > 1.001) right.push(`zoom ${state.zoom.toFixed(1)}x`);
    if (state.message) right.push(state.message);
    $('#status-right').textContent = right.join(' · ');
    document.body.classList.toggle('is-flagged', !!item.flagged);
    document.body.classList.toggle('sidebyside', state.mode === 'sidebyside');
    $$('#modes button').forEach(b => b.classList.toggle('on', b.dataset.mode === state.mode));
    $$('#tools button[data-tool]').forEach(b => b.classList.toggle('on', b.dataset.tool === state.tool));
    $('#poly-mode').textContent = state.polyMode;
    $('#pause').textContent = state.paused ? 'Resume' : 'Pause';
    $('#pause').disabled = state.mode === 'toggle';
    $('#undo').disabled = !state.edits.length;
    $('#redo').disabled = !state.redo.length;
    $$('#reasons span').forEach(s => s.classList.toggle('on', item.flagged && s.dataset.reason === item.reason));
    panes.main.classList.toggle('view-tool', state.tool === 'view');
  }
  function renderReasons() {
    const bar = $('#reasons');
    bar.textContent = 'reason: ';
    (state.options.reasons || []).forEach((reason, i) => {
      const s = document.createElement('span');
      s.dataset.reason = reason;
      s.textContent = `${i + 1} ${reason}`;
      s.addEventListener('click', () => pickReason(i + 1));
      bar.append(s);
    });
    const free = document.createElement('span');
    const n = (state.options.reasons || []).length + 1;
    free.textContent = `${n} other…`;
    free.addEventListener('click', () => pickReason(n));
    bar.append(free);
  }

  // ---- showing an image ----
  function layout() {
    const item = current();
    if (!item || !item.width) return;
    for (const pane of [panes.plain, panes.main]) {
      const view = $('.view', pane);
      const w = pane.clientWidth, h = pane.clientHeight;
      const fit = Math.min(w / item.width, h / item.height);
      const vw = item.width * fit, vh = item.height * fit;
      view.style.width = vw + 'px';
      view.style.height = vh + 'px';
      const ox = (w - vw * state.zoom) / 2 + state.tx, oy = (h - vh * state.zoom) / 2 + state.ty;
      view.style.transform = `translate(${ox}px, ${oy}px) scale(${state.zoom})`;
    }
    ui.svg.setAttribute('viewBox', `0 0 ${item.width} ${item.height}`);
    ui.svg.setAttribute('preserveAspectRatio', 'none');
    scheduleHires();
  }
  function overlayVisible() {
    return state.mode === 'sidebyside' || state.phase === 'overlay' || state.tool !== 'view';
  }
  function applyPhase() {
    ui.ovl.style.opacity = overlayVisible() ? state.options.overlay_alpha : 0;
    ui.hiresOvl.style.opacity = overlayVisible() ? state.options.overlay_alpha : 0;
    renderStatus();
  }

  async function show(index) {
    if (!state.items.length) return;
    cancelDrawing();
    state.idx = (index + state.items.length) % state.items.length;
    const item = current();
    state.switchStart = performance.now();
    state.edits = item.edits ? item.edits.slice() : [];
    state.redo = [];
    state.zoom = 1; state.tx = 0; state.ty = 0;
    state.phase = 'plain';
    state.message = '';
    clearHires();
    const baseSrc = imageUrl(item, 'image');
    ui.base.src = baseSrc;
    ui.basePlain.src = baseSrc;
    ui.ovl.src = imageUrl(item, 'overlay');
    layout();
    applyPhase();
    restartTimer();
    preloadAround();
    const shownIndex = state.idx;
    try {
      await ui.base.decode();
    } catch (e) { /* a failed image shows as broken; the status says which */ }
    if (shownIndex !== state.idx) return;
    const started = state.switchStart;
    requestAnimationFrame(() => window.__review.switchTimes.push(performance.now() - started));
    if (!item.reviewed) {
      try { take(item, await api('/api/seen', { name: item.name }, {}), ['reviewed']); } catch (e) { state.message = e.message; }
      renderStatus();
    }
  }

  // ---- slideshow timing ----
  function restartTimer() {
    clearTimeout(state.timer);
    state.timer = null;
    if (state.paused || state.finished || state.mode === 'toggle' || state.tool !== 'view' || state.grid) return;
    const ms = state.options.display_duration * 1000;
    if (state.mode === 'sidebyside') {
      state.timer = setTimeout(() => advance(), 2 * ms);
    } else if (state.phase === 'plain') {
      state.timer = setTimeout(() => { state.phase = 'overlay'; applyPhase(); restartTimer(); }, ms);
    } else {
      state.timer = setTimeout(() => advance(), ms);
    }
  }
  function advance() {
    if (state.idx + 1 >= state.items.length) {  // the end of the slideshow: stay on the last image
      state.paused = true; state.message = 'end of slideshow'; restartTimer(); renderStatus();
      return;
    }
    show(state.idx + 1);
  }
  function togglePause() {
    if (state.mode === 'toggle') {
      state.phase = state.phase === 'overlay' ? 'plain' : 'overlay';
      applyPhase();
      return;
    }
    state.paused = !state.paused;
    state.message = '';
    restartTimer();
    renderStatus();
  }
  function setMode(mode) {
    state.mode = mode;
    if (mode === 'toggle') state.phase = 'plain';
    layout();
    applyPhase();
    restartTimer();
  }

  // ---- flags ----
  async function setFlag(flagged, reason) {
    const item = current();
    try {
      take(item, await api('/api/flag', { name: item.name }, { flagged, reason: reason || '' }), ['flagged', 'reason', 'reviewed']);
      state.message = flagged ? 'flagged' : 'unflagged';
    } catch (e) { state.message = e.message; }
    renderStatus();
    if (state.grid) renderGrid();
  }
  const toggleFlag = () => setFlag(!current().flagged, current().reason || state.reason);
  function pickReason(n) {
    const reasons = state.options.reasons || [];
    if (n <= reasons.length) {
      state.reason = reasons[n - 1];
      setFlag(true, state.reason);
    } else if (n === reasons.length + 1) {
      const box = $('#free-reason');
      box.hidden = false;
      const input = $('#free-reason-text');
      input.value = '';
      input.focus();
    }
  }
  $('#free-reason-text').addEventListener('keydown', (event) => {
    event.stopPropagation();
    if (event.key === 'Enter' || event.key === 'Escape') {
      const text = event.target.value.trim();
      $('#free-reason').hidden = true;
      if (event.key === 'Enter' && text) { state.reason = text; setFlag(true, text); }
    }
  });

  // ---- corrections ----
  async function pushEdits() {
    const item = current();
    try {
      take(item, await api('/api/edits', { name: item.name }, state.edits), ['version', 'edits']);
      ui.ovl.src = imageUrl(item, 'overlay');
      state.message = '';
    } catch (e) { state.message = e.message; }
    scheduleHires();
    renderStatus();
  }
  function addEdit(edit) { state.edits.push(edit); state.redo = []; pushEdits(); }
  function undo() { if (state.edits.length) { state.redo.push(state.edits.pop()); pushEdits(); } }
  function redo() { if (state.redo.length) { state.edits.push(state.redo.pop()); pushEdits(); } }
  async function saveCorrection() {
    const item = current();
    try {
      const answer = await api('/api/correction', { name: item.name }, {});
      take(item, answer, ['corrected', 'reviewed']);
      state.message = 'correction saved: ' + answer.mask_path.split('/').slice(-2).join('/');
    } catch (e) { state.message = e.message; }
    renderStatus();
  }
  function setTool(tool) {
    cancelDrawing();
    state.tool = tool;
    if (tool !== 'view') state.paused = true;
    applyPhase();
    restartTimer();
  }

  // Image pixel coordinates of a mouse event over the main pane.
  function toImage(event) {
    const item = current();
    const rect = ui.base.getBoundingClientRect();
    return [(event.clientX - rect.left) / rect.width * item.width, (event.clientY - rect.top) / rect.height * item.height];
  }
  function svgEl(name, attrs) {
    const el = document.createElementNS('http://www.w3.org/2000/svg', name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    return el;
  }
  function drawPreview() {
    ui.svg.textContent = '';
    if (state.polygon && state.polygon.length) {
      const pts = state.polygon.map(p => p.join(',')).join(' ');
      ui.svg.append(svgEl('polyline', { points: pts, fill: 'rgba(80,200,255,0.25)', stroke: '#50c8ff', 'stroke-width': 2, 'vector-effect': 'non-scaling-stroke' }));
      const [x, y] = state.polygon[0];
      ui.svg.append(svgEl('circle', { cx: x, cy: y, r: 6 / scaleOnScreen(), fill: '#50c8ff' }));
    }
    if (state.stroke && state.stroke.length) {
      ui.svg.append(svgEl('polyline', {
        points: state.stroke.map(p => p.join(',')).join(' '), fill: 'none',
        stroke: state.tool === 'erase' ? 'rgba(255,255,255,0.5)' : 'rgba(80,200,255,0.5)',
        'stroke-width': 2 * state.brushRadius + 1, 'stroke-linecap': 'round', 'stroke-linejoin': 'round',
      }));
    }
  }
  function scaleOnScreen() {
    const item = current();
    return ui.base.getBoundingClientRect().width / item.width;
  }
  function cancelDrawing() { state.polygon = null; state.stroke = null; drawPreview(); }
  function closePolygon() {
    if (state.polygon && state.polygon.length >= 3) {
      addEdit({ op: 'polygon', mode: state.polyMode, points: state.polygon.map(p => p.map(Math.round)) });
    }
    cancelDrawing();
  }

  // ---- zoom, pan and full-resolution regions ----
  let hiresTimer = null;
  function clearHires() { for (const el of [ui.hires, ui.hiresOvl, ui.hiresPlain]) el.style.display = 'none'; }
  function scheduleHires() {
    clearHires();
    clearTimeout(hiresTimer);
    hiresTimer = setTimeout(loadHires, 150);
  }
  function loadHires() {
    const item = current();
    if (!item || !item.width) return;
    const previewScale = Math.min(1, state.options.preview_side / Math.max(item.width, item.height));
    const screenScale = scaleOnScreen() * (window.devicePixelRatio || 1);
    if (screenScale <= previewScale * 1.05) return;  // the preview already has enough pixels
    const pane = panes.main.getBoundingClientRect(), img = ui.base.getBoundingClientRect();
    const left = Math.max(pane.left, img.left), top = Math.max(pane.top, img.top);
    const right = Math.min(pane.right, img.right), bottom = Math.min(pane.bottom, img.bottom);
    if (right <= left || bottom <= top) return;
    const s = item.width / img.width;
    const x = Math.floor((left - img.left) * s), y = Math.floor((top - img.top) * s);
    const w = Math.ceil((right - img.left) * s) - x, h = Math.ceil((bottom - img.top) * s) - y;
    const dpr = window.devicePixelRatio || 1;
    const ow = Math.min(4096, Math.round(w / s * dpr)), oh = Math.min(4096, Math.round(h / s * dpr));
    const place = (el, layer) => {
      const probe = new Image();
      probe.onload = () => {
        if (current() !== item) return;
        el.src = probe.src;
        Object.assign(el.style, {
          left: (x / s + img.left - pane.left) + 'px', top: (y / s + img.top - pane.top) + 'px',
          width: (w / s) + 'px', height: (h / s) + 'px', display: 'block',
        });
      };
      probe.src = url('/api/region', { name: item.name, layer, x, y, w, h, ow, oh, v: item.version });
    };
    place(ui.hires, 'image');
    place(ui.hiresOvl, 'overlay');
    // Side by side: the plain pane has the same size and transform, so the same crop sits at the
    // same place in it.
    if (state.mode === 'sidebyside') place(ui.hiresPlain, 'image');
  }
  function zoomAt(factor, clientX, clientY) {
    const pane = panes.main.getBoundingClientRect();
    const old = state.zoom;
    state.zoom = Math.min(64, Math.max(1, state.zoom * factor));
    const cx = clientX - pane.left - pane.width / 2 - state.tx, cy = clientY - pane.top - pane.height / 2 - state.ty;
    state.tx -= cx * (state.zoom / old - 1);
    state.ty -= cy * (state.zoom / old - 1);
    if (state.zoom === 1) { state.tx = 0; state.ty = 0; }
    layout();
    renderStatus();
  }

  let drag = null;
  for (const pane of [panes.plain, panes.main]) {
    pane.addEventListener('wheel', (event) => {
      event.preventDefault();
      zoomAt(event.deltaY < 0 ? 1.25 : 0.8, event.clientX, event.clientY);
    }, { passive: false });
    pane.addEventListener('contextmenu', (event) => event.preventDefault());
    pane.addEventListener('mousedown', (event) => {
      const panning = event.button !== 0 || state.tool === 'view' || pane === panes.plain;
      drag = { x: event.clientX, y: event.clientY, tx: state.tx, ty: state.ty, moved: false, panning, pane };
      if (!panning && pane === panes.main && (state.tool === 'brush' || state.tool === 'erase')) state.stroke = [toImage(event)];
    });
  }
  window.addEventListener('mousemove', (event) => {
    if (!drag) return;
    const dx = event.clientX - drag.x, dy = event.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) drag.moved = true;
    if (drag.panning && drag.moved) {
      drag.pane.classList.add('panning');
      state.tx = drag.tx + dx; state.ty = drag.ty + dy;
      layout();
    } else if (state.stroke) {
      state.stroke.push(toImage(event));
      drawPreview();
    }
  });
  window.addEventListener('mouseup', (event) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    d.pane.classList.remove('panning');
    if (state.stroke) {
      const points = state.stroke.map(p => p.map(Math.round));
      state.stroke = null;
      drawPreview();
      addEdit({ op: 'brush', mode: state.tool === 'erase' ? 'cut' : 'add', radius: state.brushRadius, points });
      return;
    }
    if (d.moved || event.button !== 0 || d.pane !== panes.main) return;
    const [x, y] = toImage(event);
    if (state.tool === 'view') {
      toggleFlag();
    } else if (state.tool === 'reject') {
      addEdit({ op: 'reject', x: Math.round(x), y: Math.round(y) });
    } else if (state.tool === 'polygon') {
      if (!state.polygon) state.polygon = [];
      const first = state.polygon[0];
      if (first && state.polygon.length >= 3 && Math.hypot(first[0] - x, first[1] - y) * scaleOnScreen() < 8) {
        closePolygon();
        return;
      }
      state.polygon.push([x, y]);
      drawPreview();
    }
  });
  panes.main.addEventListener('dblclick', () => { if (state.tool === 'polygon') closePolygon(); });
  // Re-fit when the pane changes size (window resize, a status line that wraps, the grid closing).
  new ResizeObserver(() => layout()).observe(panes.main);

  // ---- triage grid ----
  function confidence(item) {
    return item.has_probabilities && item.stats_ready && item.uncertainty >= 0 ? 1 - 2 * item.uncertainty : null;
  }
  function gridOrder() {
    const key = (item) => { const c = confidence(item); return c === null ? 2 : c; };
    return state.items.map((item, index) => ({ item, index })).sort((a, b) => key(a.item) - key(b.item) || a.index - b.index);
  }
  function renderGrid() {
    const grid = $('#grid');
    grid.textContent = '';
    for (const { item, index } of gridOrder()) {
      const card = document.createElement('div');
      card.className = 'card' + (item.flagged ? ' flagged' : '') + (index === state.idx ? ' current' : '');
      card.dataset.name = item.name;
      const img = document.createElement('img');
      img.loading = 'lazy';
      img.src = url('/api/thumb', { name: item.name, v: item.version });
      const name = document.createElement('div');
      name.className = 'name';
      name.textContent = item.file;
      const badge = (cls, text) => { const b = document.createElement('span'); b.className = 'badge ' + cls; b.textContent = text; name.append(b); };
      if (item.flagged) badge('flag', item.reason || 'flagged');  // reasons may be free text: never innerHTML
      if (item.corrected) badge('fixed', 'corrected');
      if (!item.reviewed) badge('unseen', 'new');
      const meta = document.createElement('div');
      meta.className = 'meta';
      const c = confidence(item);
      const conf = document.createElement('span');
      conf.className = 'confidence';
      conf.textContent = item.error ? 'error' : !item.stats_ready ? 'scoring…' : c === null ? 'confidence n/a' : `confidence ${(100 * c).toFixed(1)}%`;
      const objects = document.createElement('span');
      objects.textContent = item.stats_ready ? `${item.objects} objects` : '';
      meta.append(objects, conf);
      card.append(img, name, meta);
      card.addEventListener('click', () => { showGrid(false); show(index); });
      grid.append(card);
    }
  }
  let gridPoll = null;
  async function refreshItems() {
    const session = await api('/api/session');
    session.items.forEach((fresh, i) => {
      const item = state.items[i];
      for (const key of ['stats_ready', 'objects', 'uncertainty', 'error', 'width', 'height']) item[key] = fresh[key];
    });
    return session.items.every(item => item.stats_ready);
  }
  function showGrid(on) {
    state.grid = on;
    $('#grid').hidden = !on;
    $('#viewer').hidden = on;
    $('#tab-grid').classList.toggle('on', on);
    $('#tab-viewer').classList.toggle('on', !on);
    clearInterval(gridPoll);
    if (on) {
      renderGrid();
      gridPoll = setInterval(async () => { if (await refreshItems()) clearInterval(gridPoll); renderGrid(); }, 1500);
    } else {
      layout();
    }
    restartTimer();
  }

  // ---- finish ----
  async function finish() {
    if (state.finished) return;
    try {
      const answer = await api('/api/finish', {}, {});
      state.finished = true;
      clearTimeout(state.timer);
      $('#done-text').textContent = `Review saved: ${answer.flagged} image(s) flagged, list in ${answer.flagged_list}. The server has stopped; you can close this tab.`;
      $('#done').hidden = false;
    } catch (e) { state.message = e.message; renderStatus(); }
  }

  // ---- keys and buttons ----
  document.addEventListener('keydown', (event) => {
    if (state.finished || event.target.tagName === 'INPUT') return;
    const key = event.key, ctrl = event.ctrlKey || event.metaKey;
    if (ctrl && (key === 'z' || key === 'Z')) { event.preventDefault(); (event.shiftKey ? redo : undo)(); return; }
    if (ctrl && (key === 'y' || key === 'Y')) { event.preventDefault(); redo(); return; }
    if (ctrl) return;
    if (key === ' ') { event.preventDefault(); togglePause(); }
    else if (key === 'ArrowRight') { event.preventDefault(); show(state.idx + 1); }
    else if (key === 'ArrowLeft') { event.preventDefault(); show(state.idx - 1); }
    else if (key === 'f' || key === 'F') toggleFlag();
    else if (key >= '1' && key <= '9') { event.preventDefault(); pickReason(Number(key)); }  // the digit must not reach the reason box
    else if (key === 'Escape') { if (state.polygon || state.stroke) cancelDrawing(); else finish(); }
    else if (key === 'Enter') { if (state.polygon) closePolygon(); }
    else if (key === 'v' || key === 'V') setTool('view');
    else if (key === 'r' || key === 'R') setTool('reject');
    else if (key === 'p' || key === 'P') setTool('polygon');
    else if (key === 'b' || key === 'B') setTool('brush');
    else if (key === 'e' || key === 'E') setTool('erase');
    else if (key === 'x' || key === 'X') { state.polyMode = state.polyMode === 'add' ? 'cut' : 'add'; renderStatus(); }
    else if (key === 's' || key === 'S') saveCorrection();
    else if (key === 'g' || key === 'G') showGrid(!state.grid);
    else if (key === '[') { state.brushRadius = Math.max(1, Math.round(state.brushRadius / 1.25)); renderStatus(); }
    else if (key === ']') { state.brushRadius = Math.min(500, Math.round(state.brushRadius * 1.25) + 1); renderStatus(); }
    else if (key === '+' || key === '=') { const r = panes.main.getBoundingClientRect(); zoomAt(1.25, r.left + r.width / 2, r.top + r.height / 2); }
    else if (key === '-') { const r = panes.main.getBoundingClientRect(); zoomAt(0.8, r.left + r.width / 2, r.top + r.height / 2); }
    else if (key === '0') { state.zoom = 1; state.tx = 0; state.ty = 0; layout(); renderStatus(); }
  });
  $$('#modes button').forEach(b => b.addEventListener('click', () => setMode(b.dataset.mode)));
  $$('#tools button[data-tool]').forEach(b => b.addEventListener('click', () => setTool(b.dataset.tool)));
  $('#poly-mode').addEventListener('click', () => { state.polyMode = state.polyMode === 'add' ? 'cut' : 'add'; renderStatus(); });
  $('#undo').addEventListener('click', undo);
  $('#redo').addEventListener('click', redo);
  $('#save').addEventListener('click', saveCorrection);
  $('#pause').addEventListener('click', togglePause);
  $('#finish').addEventListener('click', finish);
  $('#tab-grid').addEventListener('click', () => showGrid(true));
  $('#tab-viewer').addEventListener('click', () => showGrid(false));
  // Buttons must not keep the focus, or Space would press them again.
  $$('button').forEach(b => b.addEventListener('mouseup', () => b.blur()));

  async function start() {
    const session = await api('/api/session');
    state.items = session.items;
    state.options = session.options;
    state.mode = state.options.display_mode;
    renderReasons();
    $('#save').disabled = !state.options.corrections_dir;
    await show(0);
  }
  start().catch((e) => { $('#status-left').textContent = 'cannot load the review: ' + e.message; });
})();
