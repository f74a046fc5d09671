// The tracesim HTML report's page script (inlined into every report, after dagre). It reads the
// report JSON from #report-data and draws, per run: the trace graph (dagre layout, SVG), the
// selected trace's source / bytecode / IR / mcode columns, the rsp timeline, and the tables of
// aborts, blacklisted ops, exits and violations. It uses no network and no storage.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var NODE_H = 52, CHAR_W = 7.3;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    setAttrs(node, attrs);
    append(node, children);
    return node;
  }
  function setAttrs(node, attrs) {
    for (var k in attrs || {}) {
      if (attrs[k] === undefined || attrs[k] === null) continue;
      if (k === 'text') node.textContent = attrs[k];
      else node.setAttribute(k, String(attrs[k]));
    }
  }
  function append(node, children) {
    (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
  }
  function hex(n) { return (n < 0 ? '-0x' : '0x') + Math.abs(n).toString(16); }

  function startText(t) {
    if (t.start.kind === 'side') return 'side of ' + t.start.parent + '/' + t.start.exit;
    if (t.start.kind === 'stitch') return 'stitch after ' + t.start.previous;
    return 'root';
  }
  function linkText(t) {
    return t.link.kind + (t.link.target === null ? '' : ' ' + t.link.target);
  }

  /** Graph edges: parent → side (exit E), previous → stitched, and each trace's link to a trace. */
  function edgesOf(run) {
    var numbers = {};
    run.traces.forEach(function (t) { numbers[t.number] = true; });
    var edges = [];
    run.traces.forEach(function (t) {
      if (t.start.kind === 'side' && numbers[t.start.parent]) edges.push({ from: t.start.parent, to: t.number, label: 'exit ' + t.start.exit, kind: 'exit' });
      if (t.start.kind === 'stitch' && numbers[t.start.previous]) edges.push({ from: t.start.previous, to: t.number, label: 'stitch', kind: 'exit' });
      if (t.link.target !== null && numbers[t.link.target] && t.link.kind !== 'stitch') edges.push({ from: t.number, to: t.link.target, label: t.link.kind, kind: 'link' });
    });
    return edges;
  }

  function drawGraph(run, runId, violating, onSelect) {
    var g = new dagre.graphlib.Graph({ multigraph: true });
    g.setGraph({ rankdir: 'TB', nodesep: 28, ranksep: 46, marginx: 12, marginy: 12 });
    g.setDefaultEdgeLabel(function () { return {}; });
    var labels = {};
    run.traces.forEach(function (t) {
      labels[t.number] = ['TRACE ' + t.number + '  ' + startText(t), t.location, '→ ' + linkText(t) + '  frame ' + hex(t.spadjust)];
      var chars = Math.max.apply(null, labels[t.number].map(function (l) { return l.length; }));
      g.setNode(String(t.number), { width: Math.ceil(chars * CHAR_W + 16), height: NODE_H });
    });
    var edges = edgesOf(run);
    edges.forEach(function (e, i) { if (e.from !== e.to) g.setEdge(String(e.from), String(e.to), { label: e.label, width: 8 * e.label.length, height: 14, labelpos: 'c' }, 'e' + i); });
    dagre.layout(g);
    var size = g.graph();
    // Self links (a loop, down-recursion to itself) leave a node's right side and come back.
    var loopRoom = edges.some(function (e) { return e.from === e.to; }) ? 150 : 0;
    size = { width: (size.width || 10) + loopRoom, height: size.height };
    var root = svg('svg', { width: Math.ceil(size.width || 10), height: Math.ceil(size.height || 10), 'data-run': runId, class: 'graph-svg' });
    root.appendChild(svg('defs', {}, [svg('marker', { id: runId + '-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, [svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#66707f' })])]));
    edges.forEach(function (e, i) {
      var lay = e.from === e.to ? selfLoop(g.node(String(e.from)), e.label) : g.edge(String(e.from), String(e.to), 'e' + i);
      var d = lay.d || lay.points.map(function (p, n) { return (n === 0 ? 'M' : 'L') + p.x.toFixed(1) + ',' + p.y.toFixed(1); }).join(' ');
      root.appendChild(svg('g', { class: 'edge ' + e.kind, 'data-from': e.from, 'data-to': e.to, 'data-label': e.label }, [
        svg('path', { d: d, 'marker-end': 'url(#' + runId + '-arrow)' }),
        svg('text', { x: lay.x, y: lay.y + 4, 'text-anchor': 'middle', text: e.label }),
      ]));
    });
    run.traces.forEach(function (t) {
      var n = g.node(String(t.number));
      var cls = 'node ' + t.start.kind + (violating[t.number] ? ' violating' : '');
      var node = svg('g', { class: cls, 'data-trace': t.number, transform: 'translate(' + (n.x - n.width / 2) + ',' + (n.y - NODE_H / 2) + ')', tabindex: 0 }, [
        svg('rect', { width: n.width, height: NODE_H, rx: 6 }),
      ].concat(labels[t.number].map(function (text, i) { return svg('text', { x: 8, y: 16 + 15 * i, text: text }); })));
      node.addEventListener('click', function () { onSelect(t.number); });
      node.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') onSelect(t.number); });
      root.appendChild(node);
    });
    return root;
  }

  function selfLoop(n, label) {
    var xr = n.x + n.width / 2, top = n.y - 12, bottom = n.y + 12;
    return { d: 'M' + xr + ',' + top + ' C' + (xr + 46) + ',' + (top - 18) + ' ' + (xr + 46) + ',' + (bottom + 18) + ' ' + (xr + 2) + ',' + bottom, x: xr + 44 + 4 * label.length, y: n.y };
  }

  function codeLines(list, cls) {
    return list.map(function (line) { return el('div', { class: cls, 'data-ref': line.ref === null || line.ref === undefined ? undefined : line.ref, text: line.text }); });
  }

  /** The four columns of one trace, one table row per snapshot stretch. */
  function traceDetail(run, t) {
    var head = el('tr', {}, [el('th', { text: 'source' }), el('th', { text: 'bytecode' }), el('th', { text: 'IR (registers, spill slots, snapshots)' }), el('th', { text: 'mcode' })]);
    var rows = [el('tr', { class: 'head' }, [el('td'), el('td'), el('td', { class: 'code muted', text: '---- TRACE ' + t.number + ' (' + startText(t) + ')' }), el('td', { class: 'code' }, codeLines(t.head.map(function (text) { return { text: text, ref: null }; }), 'mc-line'))])];
    t.rows.forEach(function (r) {
      var src = r.lines.map(function (n) { return n + '  ' + (run.source && run.source[n - 1] !== undefined ? run.source[n - 1].trim() : ''); }).join('\n');
      var ir = (r.snapshot ? [el('div', { class: 'snapline', text: r.snapshot })] : []).concat(codeLines(r.ir, 'ir-line'));
      rows.push(el('tr', { class: r.snapshot ? 'snap' : '' }, [
        el('td', { class: 'code src', text: src }),
        el('td', { class: 'code bc', text: r.bytecode.join('\n') }),
        el('td', { class: 'code ir' }, ir),
        el('td', { class: 'code mc' }, codeLines(r.mcode, 'mc-line')),
      ]));
    });
    var table = el('table', { class: 'columns', 'data-trace': t.number }, [el('thead', {}, [head]), el('tbody', {}, rows)]);
    table.addEventListener('mouseover', function (ev) {
      var on = ev.target.closest ? ev.target.closest('[data-ref]') : null;
      table.querySelectorAll('.hl').forEach(function (n) { n.classList.remove('hl'); });
      if (!on) return;
      table.querySelectorAll('[data-ref="' + on.getAttribute('data-ref') + '"]').forEach(function (n) { n.classList.add('hl'); });
    });
    return el('div', { class: 'trace-detail', 'data-trace': t.number }, [
      el('h3', { text: 'Trace ' + t.number + ': ' + startText(t) + ', ' + t.location + ', link ' + linkText(t) + ', frame ' + hex(t.spadjust) + ', ' + t.bytes + ' bytes of mcode' }),
      table,
    ]);
  }


  /** rsp − rsp0 at each checkpoint; each trace's level (−spadjust) as a band; violations in red. */
  function drawTimeline(run, runId) {
    var pts = run.timeline.points;
    var values = pts.map(function (p) { return p.rsp; }).concat(pts.map(function (p) { return p.level === undefined ? 0 : p.level; })).concat([0]);
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    if (hi - lo < 16) { hi += 8; lo -= 8; }
    var W = Math.max(700, Math.min(pts.length * 6, 2400)), H = 240, L = 70, R = 12, T = 14, B = 28;
    var x = function (i) { return L + (pts.length <= 1 ? 0 : (i * (W - L - R)) / (pts.length - 1)); };
    var y = function (v) { return T + ((hi - v) * (H - T - B)) / (hi - lo); };
    var root = svg('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, class: 'timeline-svg', 'data-run': runId });
    [lo, 0, hi].forEach(function (v) {
      root.appendChild(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: v === 0 ? '#888' : '#ddd' }));
      root.appendChild(svg('text', { x: 4, y: y(v) + 4, text: hex(Math.round(v)) }));
    });
    root.appendChild(svg('text', { x: L, y: H - 8, text: 'rsp − rsp0 at each of ' + run.timeline.total + ' checks' + (run.timeline.dropped ? ' (the first ' + (pts.length) + ' drawn; ' + run.timeline.dropped + ' later ones without a violation left out)' : '') }));
    // One band per stretch of consecutive checks in the same trace (violations do not break it).
    var band = null;
    function closeBand() {
      if (!band || band.level === undefined) return;
      root.appendChild(svg('rect', { class: 'band', 'data-trace': band.trace, x: x(band.from) - 2, width: Math.max(4, x(band.to) - x(band.from) + 4), y: y(band.level) - 3, height: 6 }, [svg('title', { text: 'trace ' + band.trace + ' expected level ' + hex(band.level) })]));
    }
    pts.forEach(function (p, n) {
      if (p.kind === 'violation') return;
      if (band && band.trace === p.trace && band.level === p.level) { band.to = n; return; }
      closeBand();
      band = { trace: p.trace, level: p.level, from: n, to: n };
    });
    closeBand();
    var line = pts.filter(function (p) { return p.kind !== 'violation'; });
    var d = pts.map(function (p, n) { return p.kind === 'violation' ? '' : (n === 0 ? 'M' : 'L') + x(n).toFixed(1) + ',' + y(p.rsp).toFixed(1); }).join(' ').replace(/^\s*L/, 'M');
    if (line.length > 0) root.appendChild(svg('path', { class: 'rsp-line', d: d }));
    pts.forEach(function (p, n) {
      if (p.kind !== 'violation') return;
      var cx = x(n), cy = y(p.rsp);
      root.appendChild(svg('a', { href: '#' + runId + '-violation-' + p.index, class: 'violation-link' }, [
        svg('path', { class: 'violation-marker', 'data-violation': p.index, d: 'M' + cx + ',' + (cy - 9) + ' l7,12 l-14,0 z' }, [svg('title', { text: 'violation ' + (p.index + 1) + ' in trace ' + p.trace + ' (rsp ' + hex(p.rsp) + ')' })]),
      ]));
    });
    return root;
  }

  function table(headers, rows, cls) {
    if (rows.length === 0) return el('p', { class: 'muted ' + (cls || ''), text: 'none' });
    return el('table', { class: cls }, [el('thead', {}, [el('tr', {}, headers.map(function (h) { return el('th', { text: h }); }))]),
      el('tbody', {}, rows.map(function (r) { return el('tr', {}, r.map(function (c) { return el('td', { text: String(c) }); })); }))]);
  }

  function drawRun(run, k) {
    var runId = 'run-' + k;
    var violating = {};
    run.violations.forEach(function (v) { if (v.trace !== null) violating[v.trace] = true; });
    var detail = el('div', { class: 'detail' });
    var section = el('section', { class: 'run', id: runId });
    var graph;
    function select(n) {
      var t = run.traces.filter(function (x) { return x.number === n; })[0];
      if (!t) return;
      graph.querySelectorAll('.node').forEach(function (node) { node.classList.toggle('selected', Number(node.getAttribute('data-trace')) === n); });
      detail.replaceChildren(traceDetail(run, t));
    }
    graph = drawGraph(run, runId, violating, select);
    var status = run.violations.length > 0
      ? el('span', { class: 'status-bad', text: run.violations.length + ' host-stack violation' + (run.violations.length === 1 ? '' : 's') })
      : el('span', { class: 'status-good', text: 'no host-stack violation' });
    append(section, [
      el('h2', { text: run.title }),
      el('p', { class: 'meta' }, [run.command + ' ' + run.file + ' · policy ' + run.policy + ' · exit code ' + run.exitCode + ' · ' + run.traces.length + ' traces · ', status]),
      el('h3', { text: 'Trace graph' }),
      el('p', { class: 'muted', text: 'Solid edges: parent → side trace at an exit. Dashed edges: a trace\'s link to the trace it jumps to. Click a trace for its columns.' }),
      el('div', { class: 'graph' }, [graph]),
      el('h3', { text: 'rsp timeline' }),
      el('div', { class: 'timeline' }, [drawTimeline(run, runId)]),
      el('h3', { text: 'Violations' }),
      run.violations.length === 0 ? el('p', { class: 'muted violations', text: 'none' }) : el('div', { class: 'violations' }, run.violations.map(function (v, i) {
        return el('div', { class: 'violation', id: runId + '-violation-' + i }, [el('div', { class: 'code', text: v.text })]);
      })),
      detail,
      el('h3', { text: 'Aborts' }),
      table(['trace', 'where', 'reason'], run.aborts.map(function (a) { return [a.number, a.location, a.reason]; }), 'aborts'),
      el('h3', { text: 'Blacklisted' }),
      table(['where', 'op'], run.blacklisted.map(function (b) { return [b.location, b.op]; }), 'blacklist'),
      el('h3', { text: 'Exits taken' }),
      table(['trace', 'exit', 'count'], run.exits.map(function (e) { return [e.trace, e.exit, e.count]; }), 'exits'),
      el('details', {}, [el('summary', { text: 'Program output' }), el('pre', { class: 'code', text: run.output })]),
    ]);
    if (run.traces.length > 0) select((run.violations[0] && run.violations[0].trace !== null ? run.violations[0].trace : run.traces[0].number));
    return section;
  }

  function main() {
    var data = JSON.parse(document.getElementById('report-data').textContent);
    var page = document.getElementById('report');
    if (data.format !== 'tracesim-report/1') {
      page.appendChild(el('p', { class: 'status-bad', text: 'This page cannot read report format ' + data.format }));
      return;
    }
    append(page, [el('h1', { text: data.title })]);
    if (data.narrative.length > 0) page.appendChild(el('ol', { class: 'narrative' }, data.narrative.map(function (s) { return el('li', { text: s }); })));
    page.appendChild(el('div', { class: 'runs' }, data.runs.map(drawRun)));
    document.body.setAttribute('data-ready', 'true');
  }
  main();
})();
