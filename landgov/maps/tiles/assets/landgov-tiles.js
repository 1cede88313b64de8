/* landgov tiled map: MapLibre GL JS + the pmtiles reader, all from this folder.
 *
 * Data never becomes HTML: every text is set with textContent, so a name such as
 * "<img src=x onerror=...>" is shown as written. window.landgovTiles exposes counters for the
 * tests and the benchmark (ready, errors, firstIdleMs, requests of attribute files).
 */
(function () {
  "use strict";
  var state = (window.landgovTiles = {
    ready: false,
    errors: [],
    firstIdleMs: undefined,
    idle: false,
    theme: null,
    map: null,
  });
  window.addEventListener("error", function (e) {
    state.errors.push(String(e.message || e));
  });
  window.addEventListener("unhandledrejection", function (e) {
    state.errors.push(String(e.reason));
  });

  var cfg = JSON.parse(document.getElementById("lg-config").textContent);
  var msg = document.getElementById("lg-msg");
  if (location.protocol === "file:") {
    state.fileProtocol = true; // the static message in the page says what to do
    return;
  }
  if (typeof maplibregl === "undefined" || typeof pmtiles === "undefined") {
    state.errors.push("library missing");
    return;
  }
  msg.hidden = true;

  /* A 「；」 list split at its own separators only: one inside brackets belongs to the item
     (「综合能耗〔统计局；某公司，代码〕」 is one item), as in the single-file map. */
  function splitList(text) {
    var out = [], depth = 0, cur = "", open = "（(〔[【「《", close = "）)〕]】」》";
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (open.indexOf(c) >= 0) depth++;
      else if (close.indexOf(c) >= 0 && depth > 0) depth--;
      if ((c === "；" || c === ";") && depth === 0) { out.push(cur); cur = ""; } else cur += c;
    }
    out.push(cur);
    return out;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  // ---- values as text -------------------------------------------------------------------
  function fmtNum(v, digits, grouping) {
    if (typeof v !== "number" || !isFinite(v)) return null;
    return v.toLocaleString("zh-CN", {
      minimumFractionDigits: 0,
      maximumFractionDigits: digits,
      useGrouping: grouping !== 0, // "g": 0 — a year, 2026, not 2,026
    });
  }
  var STATUS = { 符合: "ok", 不符合: "bad", 待核实: "unk", 待承诺: "unk" };

  function fieldNode(spec, value, mark) {
    if (value === null || value === undefined || value === "") return null;
    var row = el("div", "lg-row");
    row.appendChild(el("span", "lg-key", spec.l));
    var val = el("span", "lg-val");
    if (spec.t === "num") {
      var s = fmtNum(value, spec.d, spec.g);
      if (s === null) return null;
      val.textContent = s + (spec.u ? " " + spec.u : "");
    } else if (spec.t === "list" || spec.t === "lines") {
      var parts = spec.t === "list" ? splitList(String(value)) : String(value).split(/\n/);
      parts.forEach(function (p) {
        var item = p.trim().replace(/^[·・•]\s*/, "");
        if (item) val.appendChild(el("div", "lg-item", item));
      });
    } else if (spec.t === "status") {
      var v = String(value);
      val.appendChild(el("span", "lg-badge lg-" + (STATUS[v] || "unk"), v));
    } else {
      val.textContent = String(value);
    }
    if (mark) val.appendChild(document.createTextNode(String(mark))); // 「（按高度估算）」
    row.appendChild(val);
    return row;
  }

  function popupNode(title, sections, get) {
    var box = el("div", "lg-popup");
    if (title) box.appendChild(el("div", "lg-popup-title", title));
    sections.forEach(function (sec) {
      var rows = sec[1]
        .map(function (spec) {
          return fieldNode(spec, get(spec.k), spec.m ? get(spec.m) : null);
        })
        .filter(Boolean);
      if (!rows.length) return;
      box.appendChild(el("div", "lg-sec", sec[0]));
      rows.forEach(function (r) {
        box.appendChild(r);
      });
    });
    return box;
  }

  // files written gzip-compressed by landgov: any static server can send them as they are
  function gunzip(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).text();
    });
  }

  // ---- attribute chunks -----------------------------------------------------------------
  var chunkCache = {};
  state.chunkRequests = 0;
  function chunk(k) {
    if (!chunkCache[k]) {
      state.chunkRequests += 1;
      chunkCache[k] = gunzip("data/attrs-" + k + ".json.gz").then(JSON.parse);
    }
    return chunkCache[k];
  }
  function parcelRow(i) {
    return chunk(Math.floor(i / cfg.chunk)).then(function (c) {
      var j = i - c.start;
      return function (key) {
        var col = c.columns[key];
        return col ? col[j] : null;
      };
    });
  }

  // ---- style ----------------------------------------------------------------------------
  function themeOf(key) {
    return cfg.themes.filter(function (t) {
      return t.key === key;
    })[0];
  }
  function colorExpr(theme) {
    var expr = ["match", ["get", "t_" + theme.key]];
    theme.legend.forEach(function (item, i) {
      expr.push(i, item.color);
    });
    expr.push("#cccccc");
    return expr;
  }

  var sources = {};
  var layers = [{ id: "bg", type: "background", paint: { "background-color": cfg.background } }];
  if (cfg.basemap) {
    cfg.basemap.tiles.forEach(function (urls, k) {
      sources["basemap" + k] = {
        type: "raster",
        tiles: urls,
        tileSize: 256,
        maxzoom: cfg.basemap.maxZoom,
        attribution: k === 0 ? cfg.basemap.attribution : "",
      };
      layers.push({ id: "basemap" + k, type: "raster", source: "basemap" + k });
    });
  }
  var archive = new URL(cfg.archive, location.href).href;
  sources.parcels = { type: "vector", url: "pmtiles://" + archive };
  var first = themeOf(cfg.defaultTheme) || cfg.themes[0];
  state.theme = first.key;
  layers.push({
    id: "parcels-fill",
    type: "fill",
    source: "parcels",
    "source-layer": cfg.layer,
    paint: { "fill-color": colorExpr(first), "fill-opacity": cfg.style.fillOpacity },
  });
  layers.push({
    id: "parcels-line",
    type: "line",
    source: "parcels",
    "source-layer": cfg.layer,
    minzoom: 14,
    paint: { "line-color": cfg.style.outline, "line-width": 0.5 },
  });
  layers.push({
    id: "parcels-hit",
    type: "line",
    source: "parcels",
    "source-layer": cfg.layer,
    filter: ["==", ["get", "i"], -1],
    paint: { "line-color": "#00e5ff", "line-width": 3 },
  });
  var OVERLAY_LOOK = {
    cities: { color: cfg.style.township, width: 3.2, dash: null, fill: 0.02, label: "地市边界及汇总" },
    counties: { color: cfg.style.township, width: 2.4, dash: null, fill: 0.02, label: "区县边界及汇总" },
    townships: { color: cfg.style.township, width: 1.4, dash: [3, 2], fill: 0.03, label: "镇街边界及汇总" },
    blocks: { color: cfg.style.block, width: 2.2, dash: null, fill: 0, label: "连片地块" },
    approved: { color: cfg.style.approved, width: 1.6, dash: [1, 2], fill: 0.2, label: "批而未供" },
  };
  var overlayOrder = ["cities", "counties", "townships", "approved", "blocks"].filter(function (k) {
    return cfg.overlays[k];
  });
  overlayOrder.forEach(function (k) {
    var look = OVERLAY_LOOK[k];
    var ov = cfg.overlays[k];
    sources[k] = { type: "geojson", data: ov.url };
    var fill = {
      id: k + "-fill",
      type: "fill",
      source: k,
      paint: { "fill-color": look.color, "fill-opacity": look.fill },
    };
    if (ov.fillZoom && cfg.levelLegend) {
      // 地市/区县 coloured by 规上亩均税收 against the target within their zoom band; outside
      // it nearly transparent (still clickable)
      var status = ["match", ["get", "target_status"]];
      cfg.levelLegend.items.forEach(function (item) {
        status.push(item.label, item.color);
      });
      status.push(look.color);
      fill.paint["fill-color"] = status;
      fill.paint["fill-opacity"] =
        ov.fillZoom[0] > 0
          ? ["step", ["zoom"], look.fill, ov.fillZoom[0], 0.45, ov.fillZoom[1], look.fill]
          : ["step", ["zoom"], 0.45, ov.fillZoom[1], look.fill];
    }
    layers.push(fill);
    var line = {
      id: k + "-line",
      type: "line",
      source: k,
      paint: { "line-color": look.color, "line-width": look.width },
    };
    if (look.dash) line.paint["line-dasharray"] = look.dash;
    layers.push(line);
  });

  maplibregl.setWorkerUrl(new URL("lib/maplibre-gl-csp-worker.js", location.href).href);
  var protocol = new pmtiles.Protocol();
  maplibregl.addProtocol("pmtiles", protocol.tile);

  var map = new maplibregl.Map({
    container: "lg-map",
    style: { version: 8, sources: sources, layers: layers },
    bounds: cfg.bounds,
    fitBoundsOptions: { padding: 30 },
    hash: true,
    maxZoom: 20,
    attributionControl: cfg.basemap ? { compact: true } : false,
    fadeDuration: 0,
  });
  state.map = map;
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), "top-left");
  map.addControl(new maplibregl.ScaleControl({ unit: "metric" }), "bottom-left");
  map.on("error", function (e) {
    state.errors.push(String((e && e.error && e.error.message) || e));
  });
  map.once("idle", function () {
    state.firstIdleMs = performance.now();
  });
  map.on("idle", function () {
    state.idle = true;
  });
  map.on("movestart", function () {
    state.idle = false;
  });
  map.on("sourcedataloading", function () {
    state.idle = false;
  });

  // ---- panel: title, themes, legend, layers, totals -------------------------------------
  var panel = el("div", "lg-panel");
  document.body.appendChild(panel);
  panel.appendChild(el("div", "lg-title", cfg.title));
  if (cfg.subtitle) panel.appendChild(el("div", "lg-subtitle", cfg.subtitle));
  if (cfg.redactionNote) panel.appendChild(el("div", "lg-redacted", cfg.redactionNote));
  var zoomHint = el("div", "lg-hint");
  panel.appendChild(zoomHint);

  var themeBox = el("div", "lg-themes");
  panel.appendChild(themeBox);
  var legendBox = el("div", "lg-legend");
  panel.appendChild(legendBox);
  function legendRow(item, unit) {
    var row = el("div", "lg-legend-row");
    var sw = el("span", "lg-swatch");
    sw.style.background = item.color;
    row.appendChild(sw);
    row.appendChild(el("span", "lg-legend-label", item.label));
    row.appendChild(el("span", "lg-legend-count", item.count.toLocaleString("zh-CN") + " " + unit));
    return row;
  }
  function showLegend(theme) {
    legendBox.textContent = "";
    legendBox.appendChild(el("div", "lg-legend-title", theme.legendTitle));
    theme.legend.forEach(function (item) {
      legendBox.appendChild(legendRow(item, "宗"));
    });
  }
  cfg.themes.forEach(function (theme) {
    var lab = el("label", "lg-theme");
    var input = el("input");
    input.type = "radio";
    input.name = "lg-theme";
    input.value = theme.key;
    input.checked = theme.key === first.key;
    input.addEventListener("change", function () {
      state.theme = theme.key;
      map.setPaintProperty("parcels-fill", "fill-color", colorExpr(theme));
      showLegend(theme);
    });
    lab.appendChild(input);
    lab.appendChild(el("span", null, theme.label));
    themeBox.appendChild(lab);
  });
  showLegend(first);
  if (cfg.levelLegend) {
    var levelBox = el("div", "lg-legend lg-level-legend");
    levelBox.appendChild(el("div", "lg-legend-title", cfg.levelLegend.title));
    cfg.levelLegend.items.forEach(function (item) {
      levelBox.appendChild(legendRow(item, "个"));
    });
    levelBox.appendChild(el("div", "lg-note", cfg.levelLegend.hint));
    panel.appendChild(levelBox);
  }

  var layerBox = el("div", "lg-layers");
  panel.appendChild(layerBox);
  var labelMarkers = { cities: [], counties: [], townships: [] };
  overlayOrder.forEach(function (k) {
    var lab = el("label", "lg-layer");
    var input = el("input");
    input.type = "checkbox";
    input.checked = true;
    input.addEventListener("change", function () {
      var vis = input.checked ? "visible" : "none";
      map.setLayoutProperty(k + "-fill", "visibility", vis);
      map.setLayoutProperty(k + "-line", "visibility", vis);
      updateHint();
    });
    lab.appendChild(input);
    var sw = el("span", "lg-swatch lg-swatch-line");
    sw.style.borderColor = OVERLAY_LOOK[k].color;
    lab.appendChild(sw);
    lab.appendChild(el("span", null, OVERLAY_LOOK[k].label));
    layerBox.appendChild(lab);
  });

  var summary = el("div", "lg-summary");
  summary.appendChild(el("div", "lg-summary-title", cfg.panel.heading));
  cfg.panel.rows.forEach(function (r) {
    var row = el("div", "lg-row");
    row.appendChild(el("span", "lg-key", r.label));
    row.appendChild(el("span", "lg-val", r.value));
    summary.appendChild(row);
  });
  cfg.panel.notes.forEach(function (n) {
    summary.appendChild(el("div", "lg-note", n));
  });
  panel.appendChild(summary);

  function updateHint() {
    var z = map.getZoom();
    zoomHint.textContent =
      z < cfg.minzoom
        ? "当前为汇总视图：放大到 " + cfg.minzoom + " 级以上逐宗显示地块（共 " +
          cfg.nDrawable.toLocaleString("zh-CN") + " 宗），点击边界查看汇总"
        : "逐宗显示：点击地块查看地企档案";
    Object.keys(labelMarkers).forEach(function (k) {
      var band = (cfg.overlays[k] && cfg.overlays[k].labelZoom) || [0, 99];
      var on = layerOn(k);
      var show = on && z >= band[0] && z < band[1];
      labelMarkers[k].forEach(function (m) {
        // only the labels of the level in view are on the map (a province has ~1,300 镇街)
        if (show && !m._lgOn) m.addTo(map);
        else if (!show && m._lgOn) m.remove();
        m._lgOn = show;
      });
    });
  }
  function layerOn(k) {
    return !!cfg.overlays[k] && map.getLayoutProperty(k + "-fill", "visibility") !== "none";
  }
  // the level whose labels show at this zoom answers a click first (地市 → 区县 → 镇街)
  function levelOrder() {
    var z = map.getZoom();
    var levels = ["cities", "counties", "townships"].filter(function (k) {
      return cfg.overlays[k];
    });
    var current = levels.filter(function (k) {
      var band = cfg.overlays[k].labelZoom || [0, 99];
      return z >= band[0] && z < band[1];
    });
    return current.concat(
      levels.filter(function (k) {
        return current.indexOf(k) < 0;
      }).reverse()
    );
  }
  map.on("zoomend", updateHint);

  // ---- labels of 地市/区县/镇街 with their totals (DOM markers: no glyph server needed) ---
  var names = []; // {level, name, box}: found by the search box as well
  function shapeBox(g) {
    var box = [Infinity, Infinity, -Infinity, -Infinity];
    (function walk(c) {
      if (typeof c[0] === "number") {
        box[0] = Math.min(box[0], c[0]);
        box[1] = Math.min(box[1], c[1]);
        box[2] = Math.max(box[2], c[0]);
        box[3] = Math.max(box[3], c[1]);
      } else c.forEach(walk);
    })((g && g.coordinates) || []);
    return isFinite(box[0]) ? box : null;
  }
  function addLabels(k) {
    fetch(cfg.overlays[k].url)
      .then(function (r) {
        return r.json();
      })
      .then(function (gj) {
        gj.features.forEach(function (f) {
          var p = f.properties;
          if (p._lx === undefined || !p._label) return;
          var box = el("div", "lg-label lg-label-" + k);
          box.appendChild(el("div", "lg-label-text", p._label));
          if (typeof p.n_parcels === "number") {
            var line = p.n_parcels.toLocaleString("zh-CN") + " 宗";
            if (typeof p.n_governance === "number")
              line += " · 治理 " + p.n_governance.toLocaleString("zh-CN") + " 宗";
            box.appendChild(el("div", "lg-label-sub", line));
          }
          if (typeof p.tax_per_mu_above_scale === "number" && k !== "townships") {
            var tax = "规上亩均税收 " + fmtNum(p.tax_per_mu_above_scale, 1);
            tax += typeof p.tax_per_mu_target === "number"
              ? " / 目标 " + fmtNum(p.tax_per_mu_target, 1) + " 万元/亩"
              : " 万元/亩（无目标）";
            box.appendChild(el("div", "lg-label-sub", tax));
          }
          var c = shapeBox(f.geometry);
          if (c) names.push({ level: k, name: String(p._label), box: c });
          labelMarkers[k].push(new maplibregl.Marker({ element: box }).setLngLat([p._lx, p._ly]));
        });
        updateHint();
      })
      .catch(function (e) {
        state.errors.push(String(e));
      });
  }

  // ---- clicks ---------------------------------------------------------------------------
  var popup = new maplibregl.Popup({ maxWidth: "360px" });
  function showParcel(i, lngLat) {
    map.setFilter("parcels-hit", ["==", ["get", "i"], i]);
    return parcelRow(i).then(function (get) {
      popup.setLngLat(lngLat).setDOMContent(popupNode(null, cfg.sections, get)).addTo(map);
    });
  }
  map.on("click", function (e) {
    var hit = map.queryRenderedFeatures(e.point, { layers: ["parcels-fill"] });
    if (hit.length) {
      showParcel(hit[0].properties.i, e.lngLat).catch(function (err) {
        state.errors.push(String(err));
      });
      return;
    }
    var order = ["blocks", "approved"].concat(levelOrder()).filter(layerOn);
    for (var n = 0; n < order.length; n++) {
      var f = map.queryRenderedFeatures(e.point, { layers: [order[n] + "-fill"] });
      if (f.length) {
        var props = f[0].properties;
        popup
          .setLngLat(e.lngLat)
          .setDOMContent(
            popupNode(null, cfg.overlays[order[n]].sections, function (key) {
              return props[key];
            })
          )
          .addTo(map);
        return;
      }
    }
  });

  // ---- search: 宗地代码 / 企业名称, from data/search.tsv.gz read on first use ---------------
  var searchBox = el("div", "lg-search");
  var input = el("input", "lg-search-input");
  input.type = "search";
  input.placeholder = cfg.search.hint;
  var results = el("div", "lg-results");
  searchBox.appendChild(input);
  searchBox.appendChild(results);
  document.body.appendChild(searchBox);
  var index = null;
  function loadIndex() {
    if (!index) {
      index = gunzip(cfg.search.url).then(function (text) {
          return text.split("\n").filter(Boolean);
        });
    }
    return index;
  }
  var LEVEL_NAMES = { cities: "地市", counties: "区县", townships: "镇街" };
  state.search = function (q) {
    q = String(q).trim();
    return loadIndex().then(function (lines) {
      var out = [];
      if (!q) return out;
      names.forEach(function (n) {
        if (out.length < 10 && n.name.indexOf(q) >= 0)
          out.push({ id: n.name, name: LEVEL_NAMES[n.level], box: n.box });
      });
      for (var n = 0; n < lines.length && out.length < 20; n++) {
        if (lines[n].indexOf(q) < 0) continue;
        var p = lines[n].split("\t");
        if (p[1].indexOf(q) < 0 && p[2].indexOf(q) < 0) continue;
        out.push({ i: +p[0], id: p[1], name: p[2], lng: +p[3], lat: +p[4] });
      }
      return out;
    });
  };
  state.goTo = function (hit) {
    if (hit.box) {
      map.fitBounds(hit.box, { padding: 40, animate: false });
      return Promise.resolve();
    }
    map.jumpTo({ center: [hit.lng, hit.lat], zoom: Math.max(map.getZoom(), 16) });
    return showParcel(hit.i, [hit.lng, hit.lat]);
  };
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      state.search(input.value).then(function (hits) {
        results.textContent = "";
        if (input.value.trim() && !hits.length) results.appendChild(el("div", "lg-result-none", "未找到"));
        hits.forEach(function (hit) {
          var row = el("div", "lg-result");
          row.appendChild(el("div", "lg-result-id", hit.id));
          if (hit.name) row.appendChild(el("div", "lg-result-name", hit.name));
          row.addEventListener("click", function () {
            results.textContent = "";
            state.goTo(hit);
          });
          results.appendChild(row);
        });
      });
    }, 250);
  });

  map.on("load", function () {
    ["cities", "counties", "townships"].forEach(function (k) {
      if (cfg.overlays[k]) addLabels(k);
    });
    updateHint();
    state.ready = true;
  });
})();
