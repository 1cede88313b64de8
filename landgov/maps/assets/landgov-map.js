/* landgov briefing map renderer (Apache-2.0). Decodes the compact geometry written by
 * landgov/maps/_encode.py, draws polygons on one canvas per layer, builds popups, legend,
 * search and panel from data with textContent only: no value from data is parsed as HTML. */
(function () {
  'use strict';

  var api = (window.landgovMap = { drawn: 0, draws: 0, ready: false, errors: [] });

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }
  function bytesOf(id) {
    var s = $(id).textContent.trim();
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(s);
    var bin = atob(s), n = bin.length, out = new Uint8Array(n);
    for (var i = 0; i < n; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  /* ---- geometry ---------------------------------------------------------------------- */
  function decodeGeometry(id, h) {
    var b = bytesOf(id), pos = 0, n = h.n, nr = h.rings, np = h.points;
    var featRing = new Uint32Array(n + 1), ringPt = new Uint32Array(nr + 1);
    var v, s, c;
    for (var i = 0; i < n; i++) {
      v = 0; s = 1;
      do { c = b[pos++]; v += (c & 127) * s; s *= 128; } while (c & 128);
      featRing[i + 1] = featRing[i] + v;
    }
    for (var r = 0; r < nr; r++) {
      v = 0; s = 1;
      do { c = b[pos++]; v += (c & 127) * s; s *= 128; } while (c & 128);
      ringPt[r + 1] = ringPt[r] + v;
    }
    var xy = new Float64Array(2 * np), x = h.origin[0], y = h.origin[1];
    for (var p = 0; p < 2 * np; p++) {
      v = 0; s = 1;
      do { c = b[pos++]; v += (c & 127) * s; s *= 128; } while (c & 128);
      var d = v % 2 ? -(v + 1) / 2 : v / 2;
      if (p % 2) { y += d; xy[p] = y; } else { x += d; xy[p] = x; }
    }
    var bb = new Float64Array(4 * n), sizes = [];
    for (i = 0; i < n; i++) {
      var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      var a = ringPt[featRing[i]], z = ringPt[featRing[i + 1]];
      for (p = a; p < z; p++) {
        var px = xy[2 * p], py = xy[2 * p + 1];
        if (px < x0) x0 = px; if (px > x1) x1 = px;
        if (py < y0) y0 = py; if (py > y1) y1 = py;
      }
      bb[4 * i] = x0; bb[4 * i + 1] = y0; bb[4 * i + 2] = x1; bb[4 * i + 3] = y1;
      if (z > a && i % 7 === 0) sizes.push(Math.max(x1 - x0, y1 - y0));
    }
    sizes.sort(function (u, w) { return u - w; });
    return { n: n, featRing: featRing, ringPt: ringPt, xy: xy, bb: bb,
             typical: sizes.length ? sizes[sizes.length >> 1] : 1 };
  }

  function contains(g, i, X, Y) {
    var inside = false, xy = g.xy;
    for (var r = g.featRing[i]; r < g.featRing[i + 1]; r++) {
      var a = g.ringPt[r], z = g.ringPt[r + 1];
      for (var p = a, q = z - 1; p < z; q = p++) {
        var xi = xy[2 * p], yi = xy[2 * p + 1], xj = xy[2 * q], yj = xy[2 * q + 1];
        if ((yi > Y) !== (yj > Y) && X < ((xj - xi) * (Y - yi)) / (yj - yi) + xi) inside = !inside;
      }
    }
    return inside;
  }

  function hitTest(g, X, Y, tol) {
    var best = -1, bestArea = Infinity, bb = g.bb;
    for (var i = 0; i < g.n; i++) {
      var k = 4 * i;
      if (X < bb[k] - tol || X > bb[k + 2] + tol || Y < bb[k + 1] - tol || Y > bb[k + 3] + tol) continue;
      var area = (bb[k + 2] - bb[k]) * (bb[k + 3] - bb[k + 1]);
      var tiny = bb[k + 2] - bb[k] < 2 * tol && bb[k + 3] - bb[k + 1] < 2 * tol;
      if ((tiny || contains(g, i, X, Y)) && area < bestArea) { best = i; bestArea = area; }
    }
    return best;
  }

  /* ---- canvas layer ------------------------------------------------------------------- */
  var PolygonCanvas = L.Layer.extend({
    initialize: function (geom, paint, options) {
      this._g = geom;
      this._paint = paint; // {groups: [{color, idx: Uint32Array|null}], fill, stroke, width}
      L.setOptions(this, options);
      this.drawn = 0;
    },
    onAdd: function (map) {
      this._map = map;
      this._canvas = L.DomUtil.create('canvas', 'lg-canvas leaflet-zoom-animated');
      map.getPane(this.options.pane || 'overlayPane').appendChild(this._canvas);
      map.on('moveend resize', this._reset, this);
      if (map.options.zoomAnimation && L.Browser.any3d) map.on('zoomanim', this._animateZoom, this);
      this._reset();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off('moveend resize', this._reset, this);
      map.off('zoomanim', this._animateZoom, this);
    },
    _animateZoom: function (e) {
      var m = this._map, scale = m.getZoomScale(e.zoom);
      var offset = m._latLngBoundsToNewLayerBounds(m.getBounds(), e.zoom, e.center).min;
      L.DomUtil.setTransform(this._canvas, offset, scale);
    },
    _reset: function () {
      var m = this._map, size = m.getSize(), dpr = window.devicePixelRatio || 1;
      L.DomUtil.setPosition(this._canvas, m.containerPointToLayerPoint([0, 0]));
      this._canvas.width = Math.round(size.x * dpr);
      this._canvas.height = Math.round(size.y * dpr);
      this._canvas.style.width = size.x + 'px';
      this._canvas.style.height = size.y + 'px';
      this._draw(size, dpr);
    },
    _draw: function (size, dpr) {
      var m = this._map, g = this._g, P = this._paint, ctx = this._canvas.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, size.x, size.y);
      var sc = Math.pow(2, m.getZoom() - cfg.quantizeZoom);
      var o = m.getPixelOrigin(), tl = m.containerPointToLayerPoint([0, 0]);
      var ox = o.x + tl.x, oy = o.y + tl.y, W = size.x, H = size.y;
      var bb = g.bb, xy = g.xy, fr = g.featRing, rp = g.ringPt, drawn = 0;
      var outline = P.stroke && (P.alwaysStroke || sc * g.typical > 6);
      ctx.lineJoin = 'round';
      // Parcels smaller than LOD px on screen are drawn as their bounding box (the same pixels
      // at that size); paths are flushed every CHUNK parcels so no single path grows huge.
      var LOD = P.alwaysStroke ? 0 : 3, CHUNK = 4096;
      function flush(color) {
        if (P.fill) {
          ctx.globalAlpha = P.fill;
          ctx.fillStyle = color;
          ctx.fill('evenodd');
        }
        if (outline) {
          ctx.globalAlpha = 1;
          ctx.strokeStyle = P.stroke;
          ctx.lineWidth = P.width || 0.6;
          ctx.setLineDash(P.dash || []);
          ctx.stroke();
        }
        ctx.beginPath();
      }
      for (var c = 0; c < P.groups.length; c++) {
        var grp = P.groups[c];
        if (!grp.color) continue;
        var idx = grp.idx, cnt = idx ? idx.length : g.n, pending = 0;
        ctx.beginPath();
        for (var j = 0; j < cnt; j++) {
          var i = idx ? idx[j] : j, k = 4 * i;
          var x0 = bb[k] * sc - ox, x1 = bb[k + 2] * sc - ox;
          var y0 = bb[k + 1] * sc - oy, y1 = bb[k + 3] * sc - oy;
          if (!(x1 >= -2 && x0 <= W + 2 && y1 >= -2 && y0 <= H + 2)) continue;
          drawn++;
          if (++pending === CHUNK) { flush(grp.color); pending = 0; }
          if (x1 - x0 < LOD && y1 - y0 < LOD) {
            ctx.rect(x0, y0, Math.max(x1 - x0, 1), Math.max(y1 - y0, 1));
            continue;
          }
          for (var r = fr[i]; r < fr[i + 1]; r++) {
            var p = rp[r], z = rp[r + 1];
            ctx.moveTo(xy[2 * p] * sc - ox, xy[2 * p + 1] * sc - oy);
            for (p++; p < z; p++) ctx.lineTo(xy[2 * p] * sc - ox, xy[2 * p + 1] * sc - oy);
            ctx.closePath();
          }
        }
        flush(grp.color);
      }
      ctx.globalAlpha = 1;
      this.drawn = drawn;
      this.fire('drawn', { drawn: drawn });
    }
  });

  /* ---- attributes and popups ---------------------------------------------------------- */
  var tables = {};
  /* A column is {v: values}, {d: dictionary, c: codes (-1: missing)} or, for texts made of
     lines that repeat across rows, {l: distinct lines, r: per row the indices of its lines
     (null: missing)}, joined back with "\n" (landgov/maps/_encode.py writes them). */
  function joinLines(col, i) {
    var r = col.r[i];
    if (r === null || r === undefined) return null;
    var out = new Array(r.length);
    for (var j = 0; j < r.length; j++) out[j] = col.l[r[j]];
    return out.join('\n');
  }
  function table(id) {
    if (tables[id]) return tables[id];
    var t = JSON.parse($(id).textContent);
    tables[id] = {
      n: t.n,
      has: function (k) { return Object.prototype.hasOwnProperty.call(t.cols, k); },
      get: function (k, i) {
        var col = t.cols[k];
        if (!col) return null;
        if (col.v) return col.v[i];
        if (col.l) return joinLines(col, i);
        var code = col.c[i];
        return code < 0 ? null : col.d[code];
      }
    };
    return tables[id];
  }

  var STATUS_CLASS = { '符合': 'ok', '可申报': 'ok', '不符合': 'bad', '不可申报': 'bad',
    '治理': 'bad', '待核实': 'warn', '待承诺': 'info', '不列入': 'muted' };

  /* A number and its unit never break across lines ("23,963 m²", not "23,96 / 3 m²"). */
  var NUMBER = /(-?\d[\d,，]*(?:\.\d+)?(?:\s*(?:平方米|m²|万元\/亩|万元|亩|宗|家|件|片|批|年|%))?)/;
  function withNumbers(tag, cls, text) {
    var e = el(tag, cls), parts = String(text).split(NUMBER);
    for (var i = 0; i < parts.length; i++) {
      if (!parts[i]) continue;
      if (i % 2) e.appendChild(el('span', 'lg-num', parts[i]));
      else e.appendChild(document.createTextNode(parts[i]));
    }
    return e;
  }
  api.withNumbers = withNumbers;

  function formatNumber(v, f) {
    /* "g": 0 — a number that names something (a year): 2026, not 2,026 */
    var s = Number(v).toLocaleString('zh-CN', { maximumFractionDigits: f.d, useGrouping: f.g !== 0 });
    return f.u ? s + ' ' + f.u : s;
  }

  /* The words of every clause a text cites (hover over a reason to read them). */
  function clauseTip(text) {
    var clauses = (cfg && cfg.clauses) || {}, tips = [], rest = String(text);
    var keys = Object.keys(clauses).sort(function (a, b) { return b.length - a.length; });
    for (var k = 0; k < keys.length; k++) {  /* longest first: 第三条第1项 before 第三条 */
      if (rest.indexOf(keys[k]) >= 0) {
        tips.push(clauses[keys[k]]);
        rest = rest.split(keys[k]).join('\u0000');
      }
    }
    return tips.join('\n');
  }

  /* A 「；」 list split at its own separators only: one inside brackets belongs to the item
     (「综合能耗〔统计局；某公司，代码〕」 is one item). */
  function splitList(text) {
    var out = [], depth = 0, cur = '', open = '（(〔[【「《', close = '）)〕]】」》';
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (open.indexOf(c) >= 0) depth++;
      else if (close.indexOf(c) >= 0 && depth > 0) depth--;
      if ((c === '；' || c === ';') && depth === 0) { out.push(cur); cur = ''; } else cur += c;
    }
    out.push(cur);
    return out;
  }

  function renderValue(f, v) {
    if (f.t === 'list' || f.t === 'lines') {
      var parts = f.t === 'list' ? splitList(String(v)) : String(v).split(/\n/);
      var ul = el('ul', 'lg-list');
      for (var i = 0; i < parts.length; i++) {
        var item = parts[i].trim().replace(/^[·・•]\s*/, '');  // the list draws its own bullet
        if (!item) continue;
        var li = withNumbers('li', null, item), tip = clauseTip(parts[i]);
        if (tip) { li.title = tip; li.className = 'lg-cited'; }
        ul.appendChild(li);
      }
      return ul;
    }
    if (f.t === 'status') {
      var cls = STATUS_CLASS[v] || 'muted';
      return el('span', 'lg-badge lg-' + cls, v);
    }
    if (f.t === 'num') return el('span', 'lg-num', formatNumber(v, f));
    return withNumbers('span', null, v);
  }

  function buildPopup(src, i, heading) {
    var t = table(src.attrsId), box = el('div', 'lg-popup');
    var head = el('div', 'lg-popup-head', heading);
    box.appendChild(head);
    for (var s = 0; s < src.sections.length; s++) {
      var sec = src.sections[s], rows = [];
      for (var j = 0; j < sec[1].length; j++) {
        var f = sec[1][j], v = t.get(f.k, i);
        if (v === null || v === undefined || v === '') continue;
        var tr = el('tr');
        tr.appendChild(el('th', null, f.l));
        var td = el('td');
        td.appendChild(renderValue(f, v));
        var mark = f.m ? t.get(f.m, i) : null;  /* 「（按高度估算）」 right after the figure */
        if (mark) td.appendChild(document.createTextNode(mark));
        tr.appendChild(td);
        rows.push(tr);
      }
      if (!rows.length) continue;
      box.appendChild(el('div', 'lg-sec', sec[0]));
      var tb = el('table', 'lg-table');
      for (j = 0; j < rows.length; j++) tb.appendChild(rows[j]);
      box.appendChild(tb);
    }
    return box;
  }

  /* ---- page ---------------------------------------------------------------------------- */
  var cfg;
  function init() {
    var T = (api.timings = { start: performance.now() });
    cfg = JSON.parse($('lg-config').textContent);
    var map = L.map('lg-map', { maxZoom: cfg.maxZoom, zoomControl: false, preferCanvas: true,
                               attributionControl: true });
    map.attributionControl.setPrefix('Leaflet');
    // the buttons' tooltips in Chinese (Leaflet's are English: Zoom in, Zoom out, Close popup)
    L.control.zoom({ zoomInTitle: '放大', zoomOutTitle: '缩小' }).addTo(map);
    map.on('popupopen', function (e) {
      var box = e.popup.getElement();
      var close = box && box.querySelector('.leaflet-popup-close-button');
      if (close) { close.title = '关闭'; close.setAttribute('aria-label', '关闭'); }
    });
    api.map = map;
    $('lg-map').style.background = cfg.background;
    map.fitBounds(cfg.bounds, { padding: [12, 12] });
    L.control.scale({ imperial: false, position: 'bottomleft' }).addTo(map);

    var overlays = {}, bases = {}, legends = {};
    if (cfg.basemap) {
      var tiles = L.layerGroup();
      for (var u = 0; u < cfg.basemap.urls.length; u++) {
        L.tileLayer(cfg.basemap.urls[u], { subdomains: cfg.basemap.subdomains || 'abc',
          maxZoom: cfg.maxZoom, maxNativeZoom: cfg.basemap.maxZoom,
          attribution: u === 0 ? esc(cfg.basemap.attribution) : '' }).addTo(tiles);
      }
      tiles.addTo(map);
      overlays[esc('底图：' + cfg.basemap.label)] = tiles;
    }

    var pg = null, themes = {};
    api.themes = themes;
    if (cfg.parcels) {
      pg = decodeGeometry(cfg.parcels.geomId, cfg.parcels.geom);
      T.decoded = performance.now();
      api.parcelCount = cfg.parcels.geom.drawable;
      cfg.parcels.themes.forEach(function (th) {
        var cls = bytesOf(th.classesId), k = th.legend.length, counts = new Uint32Array(k);
        for (var i = 0; i < cls.length; i++) counts[cls[i]]++;
        var groups = [], starts = new Uint32Array(k), fill = new Uint32Array(k);
        for (var c = 1; c < k; c++) starts[c] = starts[c - 1] + counts[c - 1];
        var order = new Uint32Array(cls.length);
        for (i = 0; i < cls.length; i++) { c = cls[i]; order[starts[c] + fill[c]++] = i; }
        // draw the background classes first so coloured parcels stay on top
        var seq = th.legend.map(function (_, c) { return c; });
        seq.sort(function (a, b) { return (th.legend[b].back ? 1 : 0) - (th.legend[a].back ? 1 : 0); });
        seq.forEach(function (c) {
          groups.push({ color: th.legend[c].color, idx: order.subarray(starts[c], starts[c] + counts[c]) });
        });
        var layer = new PolygonCanvas(pg, { groups: groups, fill: cfg.style.fillOpacity,
          stroke: cfg.style.outline, width: 0.6 }, { pane: 'overlayPane' });
        layer.theme = th;
        layer.classes = cls;
        layer.on('drawn', function (e) {
          api.drawn = e.drawn;
          api.draws++;
          api.active = th.key;
          if (api.firstDrawMs === undefined) {
            api.firstDrawMs = performance.now();
            document.documentElement.setAttribute('data-landgov-drawn', String(e.drawn));
            // the next animation frame is when the drawn canvas reaches the screen
            requestAnimationFrame(function () { api.firstFrameMs = performance.now(); });
          }
        });
        themes[th.key] = layer;
        bases[esc(th.label)] = layer;
        legends[th.key] = th;
      });
      bases[esc('（不显示地块）')] = L.layerGroup();
    }

    var extra = {};
    function classGroups(cls, colors) {
      var groups = [];
      for (var c = 0; c < colors.length; c++) {
        var idx = [];
        for (var i = 0; i < cls.length; i++) if (cls[i] === c) idx.push(i);
        if (idx.length) groups.push({ color: colors[c], idx: Uint32Array.from(idx) });
      }
      return groups;
    }
    ['approved', 'blocks', 'applications', 'townships'].forEach(function (name) {
      var src = cfg[name];
      if (!src) return;
      var g = decodeGeometry(src.geomId, src.geom);
      var groups = [{ color: src.color, idx: null }];
      if (src.classesId) {
        groups = classGroups(bytesOf(src.classesId), src.classes.map(function (c) { return c.color; }));
      }
      var layer = new PolygonCanvas(g, { groups: groups, fill: src.fill,
        stroke: src.color, width: src.width, dash: src.dash, alwaysStroke: true },
        { pane: 'overlayPane' });
      var group = L.layerGroup([layer]);
      if (src.labels) {
        src.labels.forEach(function (lb) {
          var span = el('span', 'lg-label-text', lb.text);
          L.marker([lb.lat, lb.lng], { interactive: false, keyboard: false,
            icon: L.divIcon({ className: 'lg-label', html: span, iconSize: null }) }).addTo(group);
        });
      }
      extra[name] = { src: src, geom: g, group: group, layer: layer };
      overlays[esc(src.label)] = group;
      if (src.on) group.addTo(map);
    });
    api.overlays = extra;

    var startKey = cfg.parcels && themes[cfg.parcels.defaultTheme] ? cfg.parcels.defaultTheme : null;
    T.themes = performance.now();
    if (startKey) themes[startKey].addTo(map);
    T.drawn = performance.now();
    L.control.layers(bases, overlays, { collapsed: false, position: 'topright' }).addTo(map);

    /* legend */
    var legendCtl = L.control({ position: 'bottomright' });
    legendCtl.onAdd = function () { this._div = el('div', 'lg-legend leaflet-bar'); return this._div; };
    legendCtl.addTo(map);
    function swatch(color, kind) {
      var sw = el('span', 'lg-swatch' + (kind ? ' lg-swatch-' + kind : ''));
      sw.style[kind === 'line' ? 'borderColor' : 'background'] = color;
      return sw;
    }
    function updateLegend() {
      var div = legendCtl._div;
      div.textContent = '';
      Object.keys(themes).forEach(function (key) {
        if (!map.hasLayer(themes[key])) return;
        var th = legends[key];
        div.appendChild(el('div', 'lg-legend-title', th.legendTitle));
        th.legend.forEach(function (item) {
          if (!item.count) return; // a class no parcel falls in is not drawn
          var row = el('div', 'lg-legend-row');
          row.appendChild(swatch(item.color));
          row.appendChild(el('span', 'lg-legend-label', item.label));
          row.appendChild(el('span', 'lg-legend-count', item.count.toLocaleString('zh-CN') + ' 宗'));
          div.appendChild(row);
        });
      });
      Object.keys(extra).forEach(function (name) {
        var x = extra[name];
        if (!map.hasLayer(x.group)) return;
        if (x.src.classes) {
          div.appendChild(el('div', 'lg-legend-title', x.src.legend));
          x.src.classes.forEach(function (c) {
            if (!c.count) return;
            var r = el('div', 'lg-legend-row');
            r.appendChild(swatch(c.color));
            r.appendChild(el('span', 'lg-legend-label', c.label));
            r.appendChild(el('span', 'lg-legend-count', c.count.toLocaleString('zh-CN') + ' 件'));
            div.appendChild(r);
          });
          return;
        }
        var row = el('div', 'lg-legend-row');
        row.appendChild(swatch(x.src.color, 'line'));
        row.appendChild(el('span', 'lg-legend-label', x.src.legend));
        div.appendChild(row);
      });
      div.style.display = div.childNodes.length ? '' : 'none';
    }
    map.on('baselayerchange overlayadd overlayremove', updateLegend);
    updateLegend();

    /* title and panel */
    var title = el('div', 'lg-title');
    title.appendChild(el('div', 'lg-title-main', cfg.title));
    if (cfg.subtitle) title.appendChild(el('div', 'lg-title-sub', cfg.subtitle));
    if (cfg.source) title.appendChild(el('div', 'lg-title-source', cfg.source));
    if (cfg.redactionNote) title.appendChild(el('div', 'lg-title-redact', cfg.redactionNote));
    $('lg-map').appendChild(title);
    L.DomEvent.disableClickPropagation(title);

    if (cfg.panel) {
      var panelCtl = L.control({ position: 'bottomleft' });
      panelCtl.onAdd = function () {
        var div = el('div', 'lg-panel leaflet-bar');
        div.appendChild(el('div', 'lg-panel-title', cfg.panel.heading));
        var tb = el('table', 'lg-table');
        cfg.panel.rows.forEach(function (r) {
          var tr = el('tr');
          tr.appendChild(el('th', null, r.label));
          tr.appendChild(withNumbers('td', null, r.value));
          tb.appendChild(tr);
        });
        div.appendChild(tb);
        if (cfg.panel.notes.length) {
          var notes = el('details', 'lg-notes');
          notes.appendChild(el('summary', null, '说明（' + cfg.panel.notes.length + '）'));
          cfg.panel.notes.forEach(function (n) { notes.appendChild(el('div', null, n)); });
          div.appendChild(notes);
        }
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      panelCtl.addTo(map);
    }

    /* popups */
    function centerOf(i) {
      var bb = pg.bb;
      return map.unproject([(bb[4 * i] + bb[4 * i + 2]) / 2, (bb[4 * i + 1] + bb[4 * i + 3]) / 2],
                           cfg.quantizeZoom);
    }
    api.centerOf = centerOf;
    /* the clicked plot: drawn again on top, outlined thick, until its popup closes */
    map.createPane('lg-highlight').style.zIndex = 450;
    var highlight = null;
    function highlightParcel(i) {
      if (highlight) map.removeLayer(highlight);
      highlight = new PolygonCanvas(pg, { groups: [{ color: '#00e5ff', idx: Uint32Array.of(i) }],
        fill: 0.25, stroke: '#00a0c8', width: 4, alwaysStroke: true }, { pane: 'lg-highlight' });
      highlight.addTo(map);
      api.highlighted = i;
    }
    function clearHighlight() {
      if (highlight) map.removeLayer(highlight);
      highlight = null;
      api.highlighted = null;
    }
    function popupOptions() {
      var title = document.querySelector('.lg-title');
      var top = title ? title.offsetTop + title.offsetHeight + 12 : 20;
      return { maxWidth: 440, maxHeight: 420, autoPanPaddingTopLeft: [20, top],
               autoPanPaddingBottomRight: [20, 20] };
    }
    function openParcel(i, latlng) {
      var src = cfg.parcels, pid = table(src.attrsId).get('parcel_id', i);
      var box = buildPopup(src, i, '地企档案 · ' + (pid || '宗地'));
      if (!latlng) latlng = centerOf(i);
      highlightParcel(i);
      api.popup = L.popup(popupOptions()).setLatLng(latlng).setContent(box).openOn(map);
      api.popup.lgParcel = true;
      api.popupIndex = i;
      return box;
    }
    /* overlays (title, panel, legend, controls) step aside for an open popup, never cover it */
    var OVERLAYS = '.lg-title, .lg-message, .leaflet-control';
    function overlap(a, b) {
      return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    }
    function yieldToPopup() {
      var pop = api.popup && map.hasLayer(api.popup) ? api.popup.getElement() : null;
      var boxes = document.querySelectorAll(OVERLAYS);
      var r = pop ? pop.getBoundingClientRect() : null;
      for (var k = 0; k < boxes.length; k++) {
        var hide = !!r && overlap(r, boxes[k].getBoundingClientRect());
        boxes[k].classList.toggle('lg-yield', hide);
      }
    }
    api.yieldToPopup = yieldToPopup;
    map.on('popupopen', function (e) {
      api.popup = e.popup;
      setTimeout(yieldToPopup, 0);
    });
    map.on('moveend zoomend', function () { if (api.popup && map.hasLayer(api.popup)) yieldToPopup(); });
    map.on('popupclose', function (e) {
      if (e.popup.lgParcel) clearHighlight();
      var boxes = document.querySelectorAll('.lg-yield');
      for (var k = 0; k < boxes.length; k++) boxes[k].classList.remove('lg-yield');
    });
    api.openParcel = openParcel;

    map.on('click', function (e) {
      var P = map.project(e.latlng, cfg.quantizeZoom);
      var tol = 3 / Math.pow(2, map.getZoom() - cfg.quantizeZoom);
      var active = Object.keys(themes).filter(function (k) { return map.hasLayer(themes[k]); });
      var apps = extra.applications;
      if (apps && map.hasLayer(apps.group)) {  // an application sits on its plot: it answers first
        var ha = hitTest(apps.geom, P.x, P.y, 0);
        if (ha >= 0) {
          L.popup(popupOptions()).setLatLng(e.latlng)
            .setContent(buildPopup(apps.src, ha, apps.src.label)).openOn(map);
          return;
        }
      }
      if (active.length) {
        var hit = hitTest(pg, P.x, P.y, tol);
        if (hit >= 0) { openParcel(hit, e.latlng); return; }
      }
      var names = ['applications', 'blocks', 'approved', 'townships'];
      for (var n = 0; n < names.length; n++) {
        var x = extra[names[n]];
        if (!x || !map.hasLayer(x.group)) continue;
        var h = hitTest(x.geom, P.x, P.y, 0);
        if (h >= 0) {
          L.popup(popupOptions()).setLatLng(e.latlng)
            .setContent(buildPopup(x.src, h, x.src.label)).openOn(map);
          return;
        }
      }
    });

    /* search */
    if (cfg.parcels) {
      var searchCtl = L.control({ position: 'topleft' });
      searchCtl.onAdd = function () {
        var div = el('div', 'lg-search leaflet-bar');
        var input = el('input', 'lg-search-input');
        input.type = 'search';
        input.placeholder = cfg.parcels.searchHint;
        input.setAttribute('aria-label', cfg.parcels.searchHint);
        var list = el('ul', 'lg-search-results');
        div.appendChild(input);
        div.appendChild(list);
        var timer = null;
        input.addEventListener('input', function () {
          clearTimeout(timer);
          timer = setTimeout(function () { showResults(input.value, list); }, 150);
        });
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      searchCtl.addTo(map);
    }
    function search(q, limit) {
      q = String(q).trim().toLowerCase();
      var out = [];
      if (!q) return out;
      var t = table(cfg.parcels.attrsId), keys = cfg.parcels.searchFields;
      for (var i = 0; i < t.n && out.length < (limit || 20); i++) {
        for (var k = 0; k < keys.length; k++) {
          var v = t.get(keys[k], i);
          if (v !== null && String(v).toLowerCase().indexOf(q) >= 0) {
            out.push({ index: i, id: t.get('parcel_id', i), match: v, field: keys[k] });
            break;
          }
        }
      }
      return out;
    }
    api.search = search;
    function showResults(q, list) {
      list.textContent = '';
      var res = search(q, 20);
      if (!res.length && String(q).trim()) list.appendChild(el('li', 'lg-search-none', '无匹配结果'));
      res.forEach(function (r) {
        var li = el('li', 'lg-search-item');
        li.appendChild(el('div', 'lg-search-id', r.id));
        if (r.field !== 'parcel_id') li.appendChild(el('div', 'lg-search-match', r.match));
        li.addEventListener('click', function () {
          var bb = pg.bb, i = r.index;
          var sw = map.unproject([bb[4 * i], bb[4 * i + 3]], cfg.quantizeZoom);
          var ne = map.unproject([bb[4 * i + 2], bb[4 * i + 1]], cfg.quantizeZoom);
          map.fitBounds(L.latLngBounds(sw, ne), { maxZoom: 17, animate: false });
          openParcel(i);
        });
        list.appendChild(li);
      });
    }

    if (cfg.message) {
      var msg = el('div', 'lg-message', cfg.message);
      $('lg-map').appendChild(msg);
    }
    api.ready = true;
    document.documentElement.setAttribute('data-landgov-ready', '1');
  }

  try {
    init();
  } catch (err) {
    api.errors.push(String(err && err.stack || err));
    var box = el('div', 'lg-message', '地图初始化失败：' + err);
    document.body.appendChild(box);
    throw err;
  }
})();
