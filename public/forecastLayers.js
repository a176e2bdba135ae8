/*
 * The looking-ahead layers of the map page, each behind a toggle with its legend: kernel density
 * (tiles `density`), the forecast of the next period (tiles `forecast`, hot cells marked) and the
 * areas now under near-repeat risk (tiles `near_repeat`, shown only to analysts and admins: the
 * toggle appears when the token typed in is theirs, as `me { role }` says). A layer asks for its
 * tiles only once switched on. Every word comes from the catalogues. `window.mapState.layers`
 * counts the rendered cells of each layer (the end-to-end test waits for them).
 */
(function () {
  'use strict';

  var t = function (key, values) {
    return window.pageI18n.t(key, values);
  };
  var origin = window.location.origin;
  var FORECAST_SHARE = 0.05;
  var LAYERS = {
    density: {
      toggle: 'show-density',
      legend: 'density-legend',
      paint: {
        'fill-color': ['step', ['to-number', ['get', 'perKm2']], '#fde0c5', 20, '#f59e72', 100, '#e0533a', 400, '#9e1b32'],
        'fill-opacity': ['case', ['>', ['to-number', ['get', 'perKm2']], 0], 0.65, 0],
      },
      params: function () {
        return window.mapPage.analysisParams();
      },
    },
    forecast: {
      toggle: 'show-forecast',
      legend: 'forecast-legend',
      paint: { 'fill-color': ['case', ['==', ['to-string', ['get', 'hot']], 'true'], '#6a3d9a', '#cab2d6'], 'fill-opacity': ['case', ['==', ['to-string', ['get', 'hot']], 'true'], 0.75, 0.25] },
      params: function () {
        var params = window.mapPage.analysisParams();
        params.delete('from');
        params.delete('to');
        params.set('areaShare', String(FORECAST_SHARE));
        return params;
      },
    },
    near_repeat: {
      toggle: 'show-near-repeat',
      legend: 'near-repeat-legend',
      paint: { 'fill-color': '#ff7f00', 'fill-opacity': 0.55, 'fill-outline-color': '#b35900' },
      params: function () {
        return window.mapPage.analysisParams();
      },
    },
  };
  window.mapState.layers = { density: 0, forecast: 0, near_repeat: 0 };

  function withArea(params) {
    if (!params.has('districtId')) params.set('bbox', window.mapPage.cityBbox().join(','));
    return params;
  }

  function tileJsonUrl(name) {
    return origin + '/tiles/' + name + '.json?' + withArea(LAYERS[name].params()).toString();
  }

  function layerId(name) {
    return name + '-layer-fill';
  }

  function show(name, on) {
    var map = window.mapPage.map();
    var layer = LAYERS[name];
    document.getElementById(layer.legend).hidden = !on;
    if (!map) return;
    if (on && !map.getSource(name)) {
      map.addSource(name, { type: 'vector', url: tileJsonUrl(name) });
      // under the district outlines and the posts, over the hot spots
      map.addLayer({ id: layerId(name), type: 'fill', source: name, 'source-layer': name, paint: layer.paint }, map.getLayer('areas-line') ? 'areas-line' : undefined);
      map.on('click', layerId(name), popups[name]);
    }
    if (map.getLayer(layerId(name))) map.setLayoutProperty(layerId(name), 'visibility', on ? 'visible' : 'none');
    if (!on) window.mapState.layers[name] = 0;
    note();
  }

  function note() {
    var p = document.getElementById('layers-method');
    var lines = [];
    if (document.getElementById('show-density').checked) lines.push(t('page.densityMethod'));
    if (document.getElementById('show-forecast').checked) lines.push(t('page.forecastMethod', { share: FORECAST_SHARE * 100 }));
    if (document.getElementById('show-near-repeat').checked) lines.push(t('page.nearRepeatMethod'));
    p.textContent = lines.join(' ');
    p.hidden = lines.length === 0;
  }

  function row(text) {
    var div = document.createElement('div');
    div.textContent = text;
    return div;
  }

  function popup(e, rows) {
    var p = e.features[0].properties;
    var box = document.createElement('div');
    var heading = document.createElement('b');
    heading.textContent = t('page.cellPopup', { h3: p.h3 });
    box.appendChild(heading);
    rows(p).forEach(function (r) {
      box.appendChild(row(r));
    });
    new maplibregl.Popup().setLngLat(e.lngLat).setDOMContent(box).addTo(window.mapPage.map());
  }

  var popups = {
    density: function (e) {
      popup(e, function (p) {
        return [t('page.perKm2') + ': ' + window.mapPage.number(Number(p.perKm2), 1)];
      });
    },
    forecast: function (e) {
      popup(e, function (p) {
        return [t('page.expected') + ': ' + window.mapPage.number(Number(p.expected), 2), t('page.rank') + ': ' + p.rank];
      });
    },
    near_repeat: function (e) {
      popup(e, function (p) {
        var until = new Intl.DateTimeFormat(window.pageI18n.locale(), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'Asia/Almaty' }).format(new Date(p.until));
        return [t('page.riskSources') + ': ' + p.sources, t('page.riskUntil', { date: until })];
      });
    },
  };

  /** New tiles for the switched-on layers when the district, resolution, window or token change. */
  function refresh() {
    var map = window.mapPage.map();
    if (!map) return;
    Object.keys(LAYERS).forEach(function (name) {
      if (map.getSource(name)) map.getSource(name).setUrl(tileJsonUrl(name));
    });
  }

  /** The near-repeat toggle for analysts and admins only (the tiles refuse everyone else). */
  function checkRole() {
    var token = window.mapPage.controls.token.value.trim();
    var done = function (role) {
      var allowed = role === 'analyst' || role === 'admin';
      document.getElementById('near-repeat-toggle').hidden = !allowed;
      if (!allowed && document.getElementById('show-near-repeat').checked) {
        document.getElementById('show-near-repeat').checked = false;
        show('near_repeat', false);
      }
    };
    if (!token) return done('public');
    window.mapPage
      .graphql('{ me { role } }')
      .then(function (data) {
        done(data.me.role);
      })
      .catch(function () {
        done('public');
      });
  }

  Object.keys(LAYERS).forEach(function (name) {
    document.getElementById(LAYERS[name].toggle).addEventListener('change', function (event) {
      show(name, event.target.checked);
    });
  });
  ['district', 'resolution', 'from', 'to', 'token'].forEach(function (control) {
    window.mapPage.controls[control].addEventListener('change', refresh);
  });
  window.mapPage.controls.token.addEventListener('change', checkRole);
  window.mapPage.controls.language.addEventListener('change', note);

  // count what each layer shows once the map is idle
  var watch = setInterval(function () {
    var map = window.mapPage.map();
    if (!map) return;
    clearInterval(watch);
    map.on('idle', function () {
      Object.keys(LAYERS).forEach(function (name) {
        if (map.getLayer(layerId(name))) window.mapState.layers[name] = map.queryRenderedFeatures({ layers: [layerId(name)] }).length;
      });
    });
  }, 200);
})();
