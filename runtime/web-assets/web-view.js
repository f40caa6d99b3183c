// The sdn-runtime web view: draws the snapshot of /api/v1/topology with
// cytoscape, then applies the events of /api/v1/events (Server-Sent Events) in
// batches, one cytoscape batch per flush and no re-layout: the layout runs once
// per snapshot, and elements that arrive later are placed next to a neighbour.
// window.sdnWebView exposes the graph and a summary for tests and benchmarks.
(function () {
  'use strict';

  /** Events are applied at most this often (ms): a burst becomes one batch. */
  const FLUSH_MS = 50;
  /** Up to this many nodes the graph is laid out as a tree (node, switches, hosts) again whenever nodes are added; above, a grid once. */
  const RELAYOUT_MAX_NODES = 300;
  /** Distance between two nodes of the grid of a large network. */
  const GRID_STEP = 80;
  /** Event lags kept for window.sdnWebView.timings (the benchmark reads them). */
  const MAX_LAGS_KEPT = 100000;
  /** OFPP_LOCAL: the bridge's own port. */
  const OFPP_LOCAL = 0xfffffffe;

  /** Colours and sizes (px at zoom 1) of each kind of element, for cytoscape's sheet and the first frame's preview (drawPreview). */
  const LOOK = {
    runtime: { colour: '#5b4ee0', width: 36, height: 24 },
    switch: { colour: '#2f6fd6', width: 28, height: 18 },
    host: { colour: '#8a93a6', width: 12, height: 12 },
    cable: { colour: '#3a9b5c', width: 2 },
    cableDown: { colour: '#d33', width: 2 },
    control: { colour: '#c4c0f0', width: 1 },
    attach: { colour: '#b9bfcc', width: 1 },
    overlay: { colour: '#5b4ee0', width: 3 },
  };

  /**
   * Shapes and colours. Labels are a separate sheet: for a large network they
   * are left out until the zoom makes them readable, so the first render does
   * not style and measure thousands of labels nobody can read.
   */
  const SHAPES = [
    { selector: 'node.runtime', style: { shape: 'round-rectangle', 'background-color': LOOK.runtime.colour, width: LOOK.runtime.width, height: LOOK.runtime.height } },
    { selector: 'node.switch', style: { shape: 'round-rectangle', 'background-color': LOOK.switch.colour, width: LOOK.switch.width, height: LOOK.switch.height } },
    { selector: 'node.host', style: { shape: 'ellipse', 'background-color': LOOK.host.colour, width: LOOK.host.width, height: LOOK.host.height } },
    { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#f5a623' } },
    { selector: 'edge', style: { width: LOOK.cable.width, 'line-color': LOOK.cable.colour, 'curve-style': 'haystack' } },
    { selector: 'edge[state = "down"]', style: { 'line-color': LOOK.cableDown.colour, 'line-style': 'dashed' } },
    { selector: 'edge.control', style: { width: LOOK.control.width, 'line-color': LOOK.control.colour, 'line-style': 'dotted' } },
    { selector: 'edge.attach', style: { width: LOOK.attach.width, 'line-color': LOOK.attach.colour } },
    { selector: 'edge.overlay', style: { width: LOOK.overlay.width, 'line-color': LOOK.overlay.colour, 'line-style': 'solid' } },
  ];
  const LABELS = [
    // Labels too small to read at the current zoom are not drawn.
    { selector: 'node', style: { label: 'data(label)', 'font-size': 9, 'min-zoomed-font-size': 6, 'text-wrap': 'wrap', 'text-valign': 'bottom', 'text-margin-y': 3 } },
    { selector: 'node.host', style: { 'font-size': 7 } },
    { selector: 'edge', style: { label: 'data(label)', 'font-size': 8, 'min-zoomed-font-size': 6, 'text-rotation': 'autorotate' } },
    { selector: 'edge.control, edge.attach', style: { label: '' } },
  ];
  /** A large network shows labels from this zoom on: where a switch's 9 px label is drawn at 6 px or more (min-zoomed-font-size). */
  const LABEL_ZOOM = 6 / 9;

  const graph = document.getElementById('graph');
  /** Made by the first snapshot: see createGraph. */
  let cy;
  /** A large network's first frame until cytoscape's is drawn: see drawPreview. */
  let preview;
  let labelled = true;

  /**
   * The graph (kept for the page's life), drawn with cytoscape's canvas renderer.
   * Its WebGL renderer drew a thousand switches' first frame sooner, but redraws
   * the whole graph for every batch of updates: with the preview as the first
   * render, the canvas renderer's halved update lag is worth more than the WebGL
   * one's 0.3 s to the first graph (docs/benchmarks.md, "First render: a preview
   * of the snapshot").
   */
  function createGraph() {
    cy = cytoscape({
      container: graph,
      minZoom: 0.05,
      maxZoom: 2,
      // Large networks: a cached texture while panning or zooming, and one device pixel per CSS pixel.
      textureOnViewport: true,
      pixelRatio: 1,
      style: SHAPES.concat(LABELS),
    });
    // Labels on for a small network, and for a large one zoomed in far enough to read them.
    cy.on('zoom', () => setLabels(!large || cy.zoom() >= LABEL_ZOOM));
    cy.on('tap', 'node.switch', (evt) => showSwitch(evt.target.data('dpid')));
    window.sdnWebView.cy = cy;
  }

  /** Restyles every element, so only on a change. */
  function setLabels(want) {
    if (want === labelled) return;
    labelled = want;
    cy.style(want ? SHAPES.concat(LABELS) : SHAPES);
  }

  let stream;
  let lastEventId;
  let pending = [];
  let flushTimer;
  /** The name of the node serving the page; runtime nodes are drawn by name (a switch's master is a name). */
  let localNode;
  /** Runtime node names by overlay id (the overlay's links name nodes by id). */
  let nodeNames = new Map();
  /** Set per snapshot: more switches than RELAYOUT_MAX_NODES. */
  let large = false;
  const stats = new Map();

  const swId = (dpid) => 'sw:' + dpid;
  const hostId = (mac) => 'host:' + mac;
  const endKey = (e) => e.dpid + '/' + e.port;
  /** A cable is one edge: both directions of a link share the id of their sorted endpoints. */
  const cableId = (link) => {
    const a = endKey(link.src);
    const b = endKey(link.dst);
    return 'cable:' + (a < b ? a + '|' + b : b + '|' + a);
  };
  const shortDpid = (dpid) => dpid.replace(/^0+(?=.)/, '');

  function switchLabel(dpid) {
    const s = stats.get(dpid);
    return shortDpid(dpid) + (s === undefined ? '' : '\n' + s.flowCount + ' flows · ' + s.packetInPerSec + ' pkt-in/s');
  }

  function near(id) {
    const n = cy.getElementById(id);
    if (n.nonempty()) return { x: n.position('x') + (Math.random() - 0.5) * 80, y: n.position('y') + 40 + Math.random() * 30 };
    const box = cy.elements().boundingBox();
    return { x: box.x1 + Math.random() * Math.max(box.w, 200), y: box.y2 + 40 };
  }

  /** A place for the next host of a switch: rows of four below it. */
  function fanBelow(id) {
    const sw = cy.getElementById(id);
    const k = sw.neighborhood('node.host').length;
    return { x: sw.position('x') + ((k % 4) - 1.5) * 70, y: sw.position('y') + 60 + Math.floor(k / 4) * 40 };
  }

  function addSwitch(sw, position) {
    const id = swId(sw.dpid);
    if (cy.getElementById(id).nonempty()) return;
    const master = sw.master === undefined ? localNode : sw.master;
    cy.add({ group: 'nodes', classes: 'switch', data: { id, dpid: sw.dpid, master, label: switchLabel(sw.dpid) }, position });
    // Control edges only for a small network: in a large one they would be a star of a thousand lines.
    if (master !== undefined && !large && cy.getElementById('node:' + master).nonempty()) {
      cy.add({ group: 'edges', classes: 'control', data: { id: 'control:' + sw.dpid, source: 'node:' + master, target: id } });
    }
  }

  function linkUp(link) {
    const id = cableId(link);
    const src = swId(link.src.dpid);
    const dst = swId(link.dst.dpid);
    if (cy.getElementById(src).empty() || cy.getElementById(dst).empty()) return;
    let edge = cy.getElementById(id);
    if (edge.empty()) edge = cy.add({ group: 'edges', data: { id, source: src, target: dst, up: {}, label: '' } });
    const up = Object.assign({}, edge.data('up'));
    up[endKey(link.src) + '>' + endKey(link.dst)] = link.latencyMs;
    setCable(edge, up);
  }

  function linkDown(link) {
    const edge = cy.getElementById(cableId(link));
    if (edge.empty()) return;
    const up = Object.assign({}, edge.data('up'));
    delete up[endKey(link.src) + '>' + endKey(link.dst)];
    setCable(edge, up);
  }

  /** A cable is up while either direction is; its label is the measured latency of each direction that is. */
  function setCable(edge, up) {
    edge.data(Object.assign({ up }, cableData(up)));
  }

  /** A cable's state and label from its directions that are up (direction -> latency in ms). */
  function cableData(up) {
    const latencies = Object.values(up);
    return { state: latencies.length > 0 ? 'up' : 'down', label: latencies.length > 0 ? latencies.map((l) => l + ' ms').join(' / ') : 'down' };
  }

  /** One edge per pair of runtime nodes the overlay links, labelled with the RTT of each direction. */
  function overlayEdges(links) {
    const edges = new Map();
    for (const l of links) {
      const a = nodeNames.get(l.from);
      const b = nodeNames.get(l.to);
      if (a === undefined || b === undefined) continue;
      const id = 'overlay:' + (a < b ? a + '|' + b : b + '|' + a);
      const edge = edges.get(id) ?? { id, source: 'node:' + a, target: 'node:' + b, rtts: [] };
      edge.rtts.push(Math.round(l.rttMs) + ' ms');
      edges.set(id, edge);
    }
    return [...edges.values()].map((e) => ({ id: e.id, source: e.source, target: e.target, label: 'RTT ' + e.rtts.join(' / ') }));
  }

  /** The overlay's links as the last stats message has them: RTT labels updated, new pairs added, gone ones removed. */
  function updateOverlay(links) {
    const current = overlayEdges(links);
    const ids = new Set(current.map((e) => e.id));
    cy.batch(() => {
      cy.remove(cy.edges('.overlay').filter((e) => !ids.has(e.id())));
      for (const e of current) {
        const edge = cy.getElementById(e.id);
        if (edge.nonempty()) edge.data('label', e.label);
        else if (cy.getElementById(e.source).nonempty() && cy.getElementById(e.target).nonempty()) cy.add({ group: 'edges', classes: 'overlay', data: e });
      }
    });
  }

  function hostLabel(host) {
    return host.mac + (host.ips.length > 0 ? '\n' + host.ips.join(' ') : '');
  }

  function hostAt(host, dpid, port) {
    const id = hostId(host.mac);
    cy.remove(cy.getElementById('attach:' + host.mac));
    if (cy.getElementById(swId(dpid)).empty()) return;
    let node = cy.getElementById(id);
    if (node.empty()) node = cy.add({ group: 'nodes', classes: 'host', data: { id }, position: fanBelow(swId(dpid)) });
    node.data({ mac: host.mac, ips: host.ips, dpid, port, label: hostLabel(host) });
    cy.add({ group: 'edges', classes: 'attach', data: { id: 'attach:' + host.mac, source: id, target: swId(dpid) } });
  }

  function apply(e) {
    switch (e.type) {
      case 'switchUp':
        addSwitch({ dpid: e.dpid }, near('node:' + localNode));
        break;
      case 'switchDown':
        cy.remove(cy.getElementById(swId(e.dpid)));
        stats.delete(e.dpid);
        break;
      case 'linkUp':
        linkUp(e.link);
        break;
      case 'linkDown':
        linkDown(e.link);
        break;
      case 'hostAdded':
      case 'hostMoved':
        hostAt(e.host, e.host.location.dpid, e.host.location.port);
        break;
      case 'hostRemoved':
        cy.remove(cy.getElementById(hostId(e.host.mac)));
        break;
    }
  }

  function flush() {
    flushTimer = undefined;
    const batch = pending;
    pending = [];
    const before = cy.nodes().length;
    cy.batch(() => batch.forEach(apply));
    const now = Date.now();
    const timings = window.sdnWebView.timings;
    // Event lag: the server's clock at publication to now (same machine in the benchmark).
    for (const e of batch) if (timings.lagsMs.length < MAX_LAGS_KEPT) timings.lagsMs.push(now - e.timeMs);
    // A small network is laid out again as it grows (one layout per batch, a few ms);
    // in a large one new elements sit next to a neighbour and nothing else moves.
    if (cy.nodes().length > before && cy.nodes().length <= RELAYOUT_MAX_NODES) layout();
    window.sdnWebView.applied += batch.length;
    renderLists();
  }

  function queue(e) {
    pending.push(e);
    flushTimer ??= setTimeout(flush, FLUSH_MS);
  }

  /** The snapshot as one list of plain cytoscape elements, and for a large network the grid's viewport (the nodes then carry their positions). */
  function elementsOf(doc) {
    localNode = doc.nodes[0] === undefined ? undefined : doc.nodes[0].name;
    large = doc.switches.length > RELAYOUT_MAX_NODES;
    for (const s of doc.switches) if (s.flowCount !== undefined) stats.set(s.dpid, { flowCount: s.flowCount, flowsByApp: s.flowsByApp, packetInPerSec: s.packetInPerSec });
    // The snapshot as one list of plain elements and one add: no lookups per element.
    const elements = doc.nodes.map((n) => ({ group: 'nodes', classes: 'runtime', data: { id: 'node:' + n.name, label: n.name + ' (' + n.idHex + ')' } }));
    // Under mastership a switch's master may be another node: it is drawn by its name.
    const masters = new Set(doc.nodes.map((n) => n.name));
    for (const s of doc.switches) {
      if (s.master === undefined || masters.has(s.master)) continue;
      masters.add(s.master);
      elements.push({ group: 'nodes', classes: 'runtime', data: { id: 'node:' + s.master, label: s.master + ' (master)' } });
    }
    const drawnSwitches = new Set();
    for (const s of doc.switches) {
      drawnSwitches.add(s.dpid);
      const master = s.master === undefined ? localNode : s.master;
      elements.push({ group: 'nodes', classes: 'switch', data: { id: swId(s.dpid), dpid: s.dpid, master, label: switchLabel(s.dpid) } });
      if (!large && master !== undefined) elements.push({ group: 'edges', classes: 'control', data: { id: 'control:' + s.dpid, source: 'node:' + master, target: swId(s.dpid) } });
    }
    const cables = new Map();
    for (const l of doc.links) {
      if (!drawnSwitches.has(l.src.dpid) || !drawnSwitches.has(l.dst.dpid)) continue;
      const id = cableId(l);
      let cable = cables.get(id);
      if (cable === undefined) cables.set(id, (cable = { id, source: swId(l.src.dpid), target: swId(l.dst.dpid), up: {} }));
      cable.up[endKey(l.src) + '>' + endKey(l.dst)] = l.latencyMs;
    }
    for (const c of cables.values()) elements.push({ group: 'edges', data: Object.assign(c, cableData(c.up)) });
    nodeNames = new Map(doc.nodes.map((n) => [n.id, n.name]));
    for (const o of overlayEdges(doc.overlayLinks)) elements.push({ group: 'edges', classes: 'overlay', data: o });
    for (const h of doc.hosts) {
      if (!drawnSwitches.has(h.dpid)) continue;
      elements.push({ group: 'nodes', classes: 'host', data: { id: hostId(h.mac), mac: h.mac, ips: h.ips, dpid: h.dpid, port: h.port, label: hostLabel(h) } });
      elements.push({ group: 'edges', classes: 'attach', data: { id: 'attach:' + h.mac, source: hostId(h.mac), target: swId(h.dpid) } });
    }
    const grid = large ? gridOf(elements.filter((e) => e.group === 'nodes')) : undefined;
    return { elements, grid };
  }

  function draw(doc, { elements, grid }) {
    if (cy === undefined) createGraph();
    cy.elements().remove();
    // Before the add: the new elements are styled once, with or without labels.
    setLabels(grid === undefined || grid.zoom >= LABEL_ZOOM);
    cy.batch(() => cy.add(elements));
    if (grid === undefined) layout();
    else cy.viewport(grid);
    // Cytoscape draws in its next animation frame, which also shows the preview gone: never a frame without the network.
    if (preview !== undefined) preview.remove();
    preview = undefined;
    renderLists();
  }

  /** The side lists of the snapshot (nodes, apps and plugins) and what the server capped. */
  function fillSnapshotLists(doc) {
    const apps = doc.apps.map((a) => 'app ' + a).concat(doc.plugins.map((p) => 'plugin ' + p.name + ' ' + p.version + ' (' + p.state + ')'));
    fillList('nodes', doc.nodes.map((n) => n.name + ' · id ' + n.idHex + (n.self ? ' · this node · ' + n.version + ' · up ' + n.uptimeSec + ' s' : ' · ' + n.switches + ' switches · route cost ' + n.costMs + ' ms')));
    fillList('apps', apps.length > 0 ? apps : ['none']);
    const truncated = Object.keys(doc.truncated);
    if (truncated.length > 0) document.getElementById('summary').title = 'lists capped by the server: ' + truncated.join(', ');
  }

  /** Runtime nodes on top, their switches below, hosts below those (a small network). */
  function layout() {
    if (cy.nodes().length > RELAYOUT_MAX_NODES) return;
    cy.layout({ name: 'breadthfirst', roots: cy.nodes('.runtime'), animate: false, spacingFactor: 1.1 }).run();
    cy.fit(undefined, 30);
  }

  /**
   * A large network's grid, placed by hand: sets each node element's position
   * before it is added, and returns the viewport that shows the grid. Cytoscape's
   * layouts and fit measure every label (over a second for a thousand switches);
   * this measures nothing.
   */
  function gridOf(nodes) {
    const columns = Math.ceil(Math.sqrt(nodes.length * (graph.clientWidth / Math.max(1, graph.clientHeight))));
    const rows = Math.ceil(nodes.length / columns);
    nodes.forEach((n, i) => (n.position = { x: (i % columns) * GRID_STEP, y: Math.floor(i / columns) * GRID_STEP }));
    const zoom = Math.min(graph.clientWidth / (columns * GRID_STEP), graph.clientHeight / (rows * GRID_STEP));
    return { zoom, pan: { x: (GRID_STEP * zoom) / 2, y: (GRID_STEP * zoom) / 2 } };
  }

  /**
   * A large network's first frame, drawn from the snapshot's elements on a plain
   * canvas before cytoscape is built: every node where the grid puts it and every
   * edge, in cytoscape's colours and sizes at the grid's zoom, without labels
   * (below LABEL_ZOOM cytoscape draws none either). Every edge is solid, as
   * cytoscape draws a large network's: the snapshot's cables are up (it lists
   * the links that are), and a large network has no dotted control edges.
   * Cytoscape's build and first frame take about a second for a thousand
   * switches (its work per element: add, styling, bounds); this takes a few ms,
   * so the network is on screen meanwhile, not clickable yet. Returns what it
   * shows (the benchmark compares it with what cytoscape then draws).
   */
  function drawPreview(elements, viewport) {
    preview = Object.assign(document.createElement('canvas'), { className: 'preview', width: graph.clientWidth, height: graph.clientHeight });
    const g = preview.getContext('2d');
    g.setTransform(viewport.zoom, 0, 0, viewport.zoom, viewport.pan.x, viewport.pan.y);
    const nodes = new Map();
    for (const e of elements) if (e.group === 'nodes') nodes.set(e.data.id, e);
    const shows = { switches: 0, cables: 0, hosts: 0 };
    // The edges under the nodes, one path per look.
    const paths = new Map();
    for (const e of elements) {
      if (e.group !== 'edges') continue;
      const kind = e.classes ?? 'cable';
      if (kind === 'cable') shows.cables += 1;
      const path = paths.get(kind) ?? new window.Path2D();
      const a = nodes.get(e.data.source).position;
      const b = nodes.get(e.data.target).position;
      path.moveTo(a.x, a.y);
      path.lineTo(b.x, b.y);
      paths.set(kind, path);
    }
    for (const [kind, path] of paths) {
      g.strokeStyle = LOOK[kind].colour;
      g.lineWidth = LOOK[kind].width;
      g.stroke(path);
    }
    for (const e of nodes.values()) {
      const look = LOOK[e.classes];
      const { x, y } = e.position;
      g.fillStyle = look.colour;
      g.beginPath();
      if (e.classes === 'host') g.ellipse(x, y, look.width / 2, look.height / 2, 0, 0, 2 * Math.PI);
      else g.roundRect(x - look.width / 2, y - look.height / 2, look.width, look.height, 4);
      g.fill();
      if (e.classes === 'switch') shows.switches += 1;
      if (e.classes === 'host') shows.hosts += 1;
    }
    graph.appendChild(preview);
    return shows;
  }

  /**
   * Resolves when the next frame is committed, with the time its animation-frame
   * callbacks were done (frameMs) and the commit's (paintedMs). The frame is
   * committed in the task of its callbacks (under software rendering a WebGL
   * canvas is read back there), so it is on its way to the screen only when the
   * next task runs. Cytoscape draws in its own animation-frame callback,
   * registered before this one.
   */
  function nextFrameCommitted() {
    return new Promise((resolve) => requestAnimationFrame(() => {
      const frameMs = performance.now();
      const channel = new window.MessageChannel();
      channel.port1.onmessage = () => resolve({ frameMs, paintedMs: performance.now() });
      channel.port2.postMessage(undefined);
    }));
  }

  function fillList(id, items) {
    const ul = document.getElementById(id);
    ul.replaceChildren(...items.map((text) => {
      const li = document.createElement('li');
      li.textContent = text;
      return li;
    }));
  }

  /** The header's counts and the host list. Runs after every batch of events, so it counts in one pass instead of building the summary (3-8 ms at 1,000 switches, against 1-2). */
  function renderLists() {
    const switches = cy.nodes('.switch').length;
    let cables = 0;
    let up = 0;
    cy.edges().forEach((e) => {
      if (!e.id().startsWith('cable:')) return;
      cables += 1;
      if (e.data('state') === 'up') up += 1;
    });
    const hosts = cy.nodes('.host');
    document.body.dataset.switches = String(switches);
    document.body.dataset.linksUp = String(up);
    document.body.dataset.linksDown = String(cables - up);
    document.body.dataset.hosts = String(hosts.length);
    document.getElementById('summary').textContent = summaryText(switches, cables, hosts.length);
    if (hosts.length <= 200) fillList('hosts', hosts.map((n) => n.data('mac') + ' ' + n.data('ips').join(' ') + ' at ' + shortDpid(n.data('dpid')) + ':' + n.data('port')));
  }

  function summaryText(switches, cables, hosts) {
    return switches + ' switches · ' + cables + ' cables · ' + hosts + ' hosts';
  }

  /** What the page draws now, as plain data (the browser test asserts on it). */
  function summary() {
    return {
      switches: cy.nodes('.switch').map((n) => n.data('dpid')),
      links: cy.edges().filter((e) => e.id().startsWith('cable:')).map((e) => ({ a: e.source().data('dpid'), b: e.target().data('dpid'), state: e.data('state'), label: e.data('label') })),
      hosts: cy.nodes('.host').map((n) => ({ mac: n.data('mac'), ips: n.data('ips'), dpid: n.data('dpid'), port: n.data('port') })),
    };
  }

  function setStreamState(state) {
    document.body.dataset.stream = state;
    document.getElementById('stream-state').textContent = state;
  }

  /** Resolves when cytoscape is there: DOMContentLoaded comes after every deferred script has run (index.html). */
  const cytoscapeLoaded = new Promise((resolve) => (window.cytoscape !== undefined ? resolve() : document.addEventListener('DOMContentLoaded', resolve, { once: true })));

  /**
   * Fetches a snapshot and draws it. The first one is asked for as soon as this
   * script runs, before cytoscape is loaded and compiled (index.html runs this
   * script first), so the server builds it and the browser parses it meanwhile.
   */
  async function load() {
    if (stream !== undefined) stream.close();
    setStreamState('loading');
    const response = await fetch('/api/v1/topology');
    const doc = await response.json();
    if (!response.ok) {
      setStreamState('error: ' + doc.error.message);
      return;
    }
    const timings = window.sdnWebView.timings;
    const snapshot = elementsOf(doc);
    fillSnapshotLists(doc);
    // The first render of a large network: its preview, committed while cytoscape is compiled and built.
    // Not in a hidden tab: it has no frames to wait for (animation frames wait for it to be shown).
    if (cy === undefined && snapshot.grid !== undefined && !document.hidden) {
      const shows = drawPreview(snapshot.elements, snapshot.grid);
      document.getElementById('summary').textContent = summaryText(shows.switches, shows.cables, shows.hosts);
      const frame = await nextFrameCommitted();
      timings.previewPaintedMs ??= frame.paintedMs;
      timings.preview ??= shows;
    }
    await cytoscapeLoaded;
    pending = [];
    timings.snapshotFetchedMs ??= performance.now();
    draw(doc, snapshot);
    timings.snapshotDrawnMs ??= performance.now();
    // The graph drawn: cytoscape's first frame after the snapshot (the first render of a small network).
    nextFrameCommitted().then((frame) => {
      timings.snapshotFrameMs ??= frame.frameMs;
      timings.snapshotPaintedMs ??= frame.paintedMs;
    });
    lastEventId = doc.eventId;
    window.sdnWebView.loads += 1;
    connect();
  }

  function connect() {
    stream = new EventSource('/api/v1/events?after=' + encodeURIComponent(lastEventId));
    const onEvent = (m) => {
      lastEventId = m.lastEventId;
      const e = JSON.parse(m.data);
      e.type = m.type;
      queue(e);
    };
    for (const kind of ['switchUp', 'switchDown', 'portStatus', 'linkUp', 'linkDown', 'hostAdded', 'hostMoved', 'hostRemoved']) stream.addEventListener(kind, onEvent);
    stream.addEventListener('reload', (m) => {
      console.info('web view: reloading the snapshot:', JSON.parse(m.data).reason);
      load();
    });
    stream.addEventListener('stats', (m) => {
      const update = JSON.parse(m.data);
      if (update.overlayLinks !== undefined) updateOverlay(update.overlayLinks);
      for (const s of update.switches) {
        stats.set(s.dpid, s);
        const n = cy.getElementById(swId(s.dpid));
        if (n.nonempty()) n.data('label', switchLabel(s.dpid));
      }
    });
    stream.onopen = () => setStreamState('live');
    stream.onerror = () => {
      // EventSource reconnects by itself, sending Last-Event-ID; a refused stream (not 200) is closed for good.
      if (stream.readyState === EventSource.CLOSED) {
        setStreamState('reconnecting');
        setTimeout(load, 3000);
      } else {
        setStreamState('reconnecting');
      }
    };
  }

  function table(head, rows) {
    const t = document.createElement('table');
    for (const [r, tag] of [[head, 'th']].concat(rows.map((r) => [r, 'td']))) {
      const tr = t.insertRow();
      for (const text of r) tr.appendChild(Object.assign(document.createElement(tag), { textContent: String(text) }));
    }
    return t;
  }

  async function showSwitch(dpid) {
    const panel = document.getElementById('details');
    panel.replaceChildren(Object.assign(document.createElement('h2'), { textContent: 'Switch ' + dpid }), Object.assign(document.createElement('p'), { className: 'hint', textContent: 'loading…' }));
    const response = await fetch('/api/v1/switches/' + dpid);
    const d = await response.json();
    if (!response.ok) {
      panel.lastChild.textContent = d.error.message;
      panel.lastChild.className = 'error';
      return;
    }
    const parts = [Object.assign(document.createElement('h2'), { textContent: 'Switch ' + dpid })];
    const p = document.createElement('p');
    p.textContent = 'master ' + (d.master ?? 'unknown') + (d.role === 'slave' ? ' (this node is slave)' : '') + ' · OpenFlow 0x0' + d.version + ' · ' + d.remote + ' · ' + d.flowCount + ' flows · ' + (d.packetInPerSec ?? 0) + ' packet-ins/s';
    parts.push(p);
    parts.push(Object.assign(document.createElement('h2'), { textContent: 'Ports' }));
    parts.push(table(['port', 'name', 'rx pkts', 'tx pkts', 'rx bytes', 'tx bytes', 'drops', 'errors'], d.ports.map((q) => {
      const c = q.counters ?? {};
      return [q.port === OFPP_LOCAL ? 'LOCAL' : q.port, q.name, c.rxPackets ?? '', c.txPackets ?? '', c.rxBytes ?? '', c.txBytes ?? '', c.rxDropped === undefined ? '' : Number(c.rxDropped) + Number(c.txDropped), c.rxErrors === undefined ? '' : Number(c.rxErrors) + Number(c.txErrors)];
    })));
    parts.push(Object.assign(document.createElement('h2'), { textContent: 'Flows by app' }));
    for (const [app, flows] of Object.entries(d.flows)) {
      parts.push(Object.assign(document.createElement('h3'), { textContent: app + ' (' + d.flowsByApp[app] + ')' }));
      parts.push(table(['prio', 'match', 'packets'], flows.map((f) => [f.priority, f.match.map((m) => m.field + '=' + JSON.stringify(m.value)).join(' ') || '*', f.packets])));
    }
    if (Object.keys(d.truncated).length > 0) parts.push(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'capped by the server: ' + JSON.stringify(d.truncated) }));
    panel.replaceChildren(...parts);
  }

  window.sdnWebView = { cy: undefined, summary, load, applied: 0, loads: 0, timings: { previewPaintedMs: undefined, preview: undefined, snapshotFetchedMs: undefined, snapshotDrawnMs: undefined, snapshotFrameMs: undefined, snapshotPaintedMs: undefined, lagsMs: [] } };
  load();
})();
