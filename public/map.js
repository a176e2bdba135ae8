/*
 * The map page: hotspots at a chosen resolution and window, posts with their walking reach, the
 * project's own streets and districts as the base map (or BASEMAP_STYLE_URL), coverage of the
 * visible district and fix priorities (public/panels.js). It uses only the public API: TileJSON
 * and tiles under /tiles, GraphQL at /graphql (in the page's language), exports under /export.
 * Without a token it shows what anonymous callers get: the public release of one whole month,
 * the last month that has data. Every word comes from the catalogues (public/i18n.js).
 * `window.mapReady` turns true once hexagons and posts are on screen (the end-to-end test waits
 * for it); `window.mapState` holds what was rendered.
 */
(function () {
  'use strict';

  var origin = window.location.origin;
  var t = function (key, values) {
    return window.pageI18n.t(key, values);
  };
  var controls = {
    language: document.getElementById('language'),
    district: document.getElementById('district'),
    resolution: document.getElementById('resolution'),
    from: document.getElementById('from'),
    to: document.getElementById('to'),
    showReach: document.getElementById('show-reach'),
    token: document.getElementById('token'),
  };
  var statusLine = document.getElementById('status');
  window.mapReady = false;
  window.mapState = { hotspots: 0, posts: 0, errors: [], month: null, flewTo: null };

  /** The credentials of every request to this server: none, or the bearer token typed in. */
  function authHeaders() {
    var token = controls.token.value.trim();
    return token ? { authorization: 'Bearer ' + token } : {};
  }

  function graphql(query, variables) {
    return fetch(origin + '/graphql', {
      method: 'POST',
      headers: Object.assign({ 'content-type': 'application/json', 'accept-language': window.pageI18n.language() }, authHeaders()),
      body: JSON.stringify({ query: query, variables: variables || {} }),
    })
      .then(function (res) {
        return res.json();
      })
      .then(function (body) {
        if (body.errors && body.errors.length) throw new Error(body.errors[0].message);
        return body.data;
      });
  }

  function number(value, digits) {
    return new Intl.NumberFormat(window.pageI18n.locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
  }

  function dateText(iso) {
    return new Intl.DateTimeFormat(window.pageI18n.locale(), { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso));
  }

  /** The parameters of the analysis layers and exports, named as the GraphQL arguments. */
  function analysisParams() {
    var params = new URLSearchParams();
    params.set('resolution', controls.resolution.value);
    if (controls.district.value) params.set('districtId', controls.district.value);
    if (controls.from.value) params.set('from', controls.from.value + 'T00:00:00Z');
    if (controls.to.value) params.set('to', controls.to.value + 'T00:00:00Z');
    return params;
  }

  function tileJsonUrl(layer, params) {
    var query = params ? params.toString() : '';
    return origin + '/tiles/' + layer + '.json' + (query ? '?' + query : '');
  }

  var BIN_COLOURS = ['match', ['get', 'binFdr'], 3, '#d62f27', 2, '#ed7551', 1, '#fab984', -1, '#c0ccbe', -2, '#849eba', -3, '#4575b5', '#f7f7f2'];
  var cityBbox = [76.7, 43.0, 77.25, 43.45];
  var map = null;
  var districtLabels = [];
  var districts = [];

  /** Our own base map: a background; streets and district outlines are added as layers on load. */
  var OWN_STYLE = { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#eef0ec' } }] };

  function createMap(config) {
    var ownBase = !config.basemapStyleUrl;
    map = new maplibregl.Map({
      container: 'map',
      style: config.basemapStyleUrl || OWN_STYLE,
      center: [76.92, 43.24],
      zoom: 10.6,
      attributionControl: { compact: true },
      preserveDrawingBuffer: true,
      locale: mapLocale(),
      // TileJSON and tiles of this server carry the same credentials as the GraphQL requests
      transformRequest: function (url) {
        return url.indexOf(origin) === 0 ? { url: url, headers: Object.assign({ 'accept-language': window.pageI18n.language() }, authHeaders()) } : { url: url };
      },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
    window.hotspotsMap = map;
    map.on('error', function (event) {
      var message = (event.error && event.error.message) || String(event.error);
      window.mapState.errors.push(message);
      statusLine.textContent = message;
    });
    map.on('load', function () {
      addLayers(ownBase);
    });
  }

  function mapLocale() {
    return {
      'NavigationControl.ZoomIn': t('maplibre.zoomIn'),
      'NavigationControl.ZoomOut': t('maplibre.zoomOut'),
      'NavigationControl.ResetBearing': t('maplibre.resetBearing'),
      'AttributionControl.ToggleAttribution': t('maplibre.toggleAttribution'),
      'Popup.Close': t('maplibre.popupClose'),
    };
  }

  /** MapLibre reads its control titles once: a new language sets them on the buttons. */
  function relabelMapControls() {
    var titles = { '.maplibregl-ctrl-zoom-in': 'maplibre.zoomIn', '.maplibregl-ctrl-zoom-out': 'maplibre.zoomOut', '.maplibregl-ctrl-attrib-button': 'maplibre.toggleAttribution' };
    Object.keys(titles).forEach(function (selector) {
      document.querySelectorAll(selector).forEach(function (el) {
        el.title = t(titles[selector]);
        el.setAttribute('aria-label', t(titles[selector]));
      });
    });
  }

  function addLayers(ownBase) {
    map.addSource('areas', { type: 'vector', url: tileJsonUrl('areas', new URLSearchParams('kind=DISTRICT')) });
    map.addSource('hotspots', { type: 'vector', url: tileJsonUrl('hotspots', analysisParams()) });
    map.addSource('post_reach', { type: 'vector', url: tileJsonUrl('post_reach') });
    map.addSource('posts', { type: 'vector', url: tileJsonUrl('posts') });
    if (ownBase) {
      map.addSource('streets', { type: 'vector', url: tileJsonUrl('streets') });
      map.addLayer({ id: 'areas-fill', type: 'fill', source: 'areas', 'source-layer': 'areas', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.9 } });
    } else {
      map.addLayer({ id: 'areas-fill', type: 'fill', source: 'areas', 'source-layer': 'areas', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.01 } });
    }
    map.addLayer({ id: 'hotspots-fill', type: 'fill', source: 'hotspots', 'source-layer': 'hotspots', paint: { 'fill-color': BIN_COLOURS, 'fill-opacity': 0.7, 'fill-outline-color': 'rgba(90, 90, 90, 0.35)' } });
    if (ownBase) {
      // streets over the hexagons, thin and grey, so the street of a hot cell can be read
      map.addLayer({
        id: 'streets-line',
        type: 'line',
        source: 'streets',
        'source-layer': 'streets',
        paint: {
          'line-color': '#6b6f73',
          'line-opacity': 0.75,
          'line-width': ['interpolate', ['linear'], ['zoom'], 11, ['match', ['get', 'highway'], ['primary', 'secondary', 'trunk'], 1.2, 0.5], 16, ['match', ['get', 'highway'], ['primary', 'secondary', 'trunk'], 5, 2.5]],
        },
      });
    }
    map.addLayer({ id: 'areas-line', type: 'line', source: 'areas', 'source-layer': 'areas', paint: { 'line-color': '#26323d', 'line-width': 1.6 } });
    map.addLayer({ id: 'post-reach-fill', type: 'fill', source: 'post_reach', 'source-layer': 'post_reach', paint: { 'fill-color': '#457b9d', 'fill-opacity': 0.15 } });
    map.addLayer({ id: 'post-reach-line', type: 'line', source: 'post_reach', 'source-layer': 'post_reach', paint: { 'line-color': '#457b9d', 'line-width': 1 } });
    map.addLayer({
      id: 'posts-circle',
      type: 'circle',
      source: 'posts',
      'source-layer': 'posts',
      paint: { 'circle-radius': ['match', ['get', 'kind'], 'POLICE_STATION', 6, 'PRECINCT_OFFICE', 5, 4], 'circle-color': '#1d3557', 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.5 },
    });
    map.on('click', 'hotspots-fill', cellPopup);
    map.on('click', 'posts-circle', postPopup);
    if (ownBase) map.on('click', 'streets-line', streetPopup);
    map.on('idle', function () {
      var hotspots = map.queryRenderedFeatures({ layers: ['hotspots-fill'] }).length;
      var posts = map.queryRenderedFeatures({ layers: ['posts-circle'] }).length;
      window.mapState.hotspots = hotspots;
      window.mapState.posts = posts;
      if (hotspots > 0 && posts > 0) window.mapReady = true;
    });
    map.on('moveend', window.panels.updateVisibleDistrict);
    map.once('idle', window.panels.updateVisibleDistrict);
    placeDistrictLabels();
    refreshTexts();
  }

  function popupRow(label, value) {
    var row = document.createElement('div');
    row.textContent = label + ': ' + value;
    return row;
  }

  function popup(lngLat, title, rows) {
    var box = document.createElement('div');
    var heading = document.createElement('b');
    heading.textContent = title;
    box.appendChild(heading);
    rows.forEach(function (r) {
      box.appendChild(r);
    });
    new maplibregl.Popup().setLngLat(lngLat).setDOMContent(box).addTo(map);
  }

  function cellPopup(e) {
    var p = e.features[0].properties;
    var max = window.panels.threshold() - 1;
    var count = p.suppressed === true || p.suppressed === 'true' ? t('page.suppressed', { max: max }) : p.count === undefined ? t('page.notAvailable') : number(Number(p.count), 0);
    popup(e.lngLat, t('page.cellPopup', { h3: p.h3 }), [
      popupRow(t('page.incidents'), count),
      popupRow(t('bin.' + (p.binFdr === undefined ? 0 : p.binFdr)), ''),
      popupRow(t('page.zScore'), p.z === undefined ? t('page.notAvailable') : number(Number(p.z), 2)),
      popupRow(t('page.pFdr'), p.pFdr === undefined ? t('page.notAvailable') : number(Number(p.pFdr), 4)),
    ]);
  }

  function postPopup(e) {
    var p = e.features[0].properties;
    popup(e.lngLat, p.name || t('page.postPopupName', { id: p.id }), [
      popupRow(t('enum.PostKind.' + p.kind), ''),
      popupRow(t('page.walkingRadius', { value: t('page.metres', { value: number(Number(p.walkingRadiusM), 0) }) }), ''),
    ]);
  }

  function streetPopup(e) {
    var p = e.features[0].properties;
    if (p.name) popup(e.lngLat, t('page.street'), [popupRow(p.name, '')]);
  }

  /** District names as HTML labels at each district's centre: no glyph server needed, so it works offline. */
  function placeDistrictLabels() {
    districtLabels.forEach(function (m) {
      m.remove();
    });
    districtLabels = districts.map(function (d) {
      var el = document.createElement('div');
      el.className = 'district-label';
      el.textContent = d.name;
      return new maplibregl.Marker({ element: el }).setLngLat(d.centre).addTo(map);
    });
  }

  function ringCentre(geometry) {
    var rings =
      geometry.type === 'Polygon'
        ? [geometry.coordinates[0]]
        : geometry.coordinates.map(function (p) {
            return p[0];
          });
    var ring = rings.reduce(function (a, b) {
      return b.length > a.length ? b : a;
    });
    var sum = [0, 0];
    ring.forEach(function (c) {
      sum[0] += c[0];
      sum[1] += c[1];
    });
    return [sum[0] / ring.length, sum[1] / ring.length];
  }

  function loadDistricts() {
    return graphql('{ areas(filter: { kind: DISTRICT }, first: 100) { nodes { id name geometry } } }')
      .then(function (data) {
        districts = data.areas.nodes.map(function (a) {
          return { id: a.id, name: a.name, centre: ringCentre(a.geometry), geometry: a.geometry };
        });
        var chosen = controls.district.value;
        while (controls.district.options.length > 1) controls.district.remove(1);
        districts.forEach(function (d) {
          var option = document.createElement('option');
          option.value = d.id;
          option.textContent = d.name;
          controls.district.appendChild(option);
        });
        controls.district.value = chosen;
        if (map && map.loaded()) placeDistrictLabels();
      })
      .catch(function (error) {
        statusLine.textContent = t('page.districtsError', { message: error.message });
      });
  }

  // ------------------------------------------------------------------ window and texts

  /** The public view shows one whole month: the last one that has data. Everyone starts there. */
  function loadMonth() {
    return graphql('{ lastMonthWithData { from to month } }').then(function (data) {
      var month = data.lastMonthWithData;
      window.mapState.month = month;
      if (!month) return;
      controls.from.value = month.from.slice(0, 10);
      controls.to.value = month.to.slice(0, 10);
    });
  }

  function windowNote() {
    var month = window.mapState.month;
    var note = document.getElementById('window-note');
    if (!month) {
      note.textContent = t('page.noData');
      return;
    }
    if (controls.from.value === month.from.slice(0, 10) && controls.to.value === month.to.slice(0, 10)) {
      // month names from the catalogue: Chromium's ICU has no Kazakh month names
      var start = new Date(month.from);
      var name = t('month.withYear', { month: t('month.' + (start.getUTCMonth() + 1)), year: start.getUTCFullYear() });
      note.textContent = t('page.publicMonth', { month: name });
    } else {
      var last = new Date(new Date(controls.to.value + 'T00:00:00Z').getTime() - 86400000).toISOString();
      note.textContent = t('page.windowShown', { from: controls.from.value ? dateText(controls.from.value + 'T00:00:00Z') : '…', to: controls.to.value ? dateText(last) : '…' });
    }
    note.dataset.month = month.month;
  }

  function updateMethod() {
    var area = controls.district.value ? t('page.methodAreaDistrict') : t('page.methodAreaCity');
    document.getElementById('method').textContent = t('page.method', { resolution: controls.resolution.value, area: area });
  }

  function updateExports() {
    var params = analysisParams();
    if (!params.has('districtId')) params.set('bbox', cityBbox.join(','));
    document.getElementById('export-geojson').href = origin + '/export/hotspots.geojson?' + params;
    params.set('lang', window.pageI18n.language());
    params.set('excel', '1');
    document.getElementById('export-csv').href = origin + '/export/hotspots.csv?' + params;
  }

  function refreshTexts() {
    updateMethod();
    updateExports();
    windowNote();
    relabelMapControls();
  }

  function refreshAnalysis() {
    window.mapReady = false;
    if (map.getSource('hotspots')) map.getSource('hotspots').setUrl(tileJsonUrl('hotspots', analysisParams()));
    refreshTexts();
    window.panels.updateVisibleDistrict(true);
  }

  function flyTo(lngLat, zoom) {
    window.mapState.flewTo = lngLat;
    map.flyTo({ center: lngLat, zoom: zoom, essential: true });
  }

  window.mapPage = {
    graphql: graphql,
    number: number,
    analysisParams: analysisParams,
    districts: function () {
      return districts;
    },
    cityBbox: function () {
      return cityBbox;
    },
    flyTo: flyTo,
    map: function () {
      return map;
    },
    controls: controls,
  };

  // ------------------------------------------------------------------ start

  window.pageI18n
    .start()
    .then(function () {
      window.pageI18n.languages.forEach(function (lang) {
        var option = document.createElement('option');
        option.value = lang;
        option.textContent = t('enum.Language.' + lang.toUpperCase());
        controls.language.appendChild(option);
      });
      controls.language.value = window.pageI18n.language();
      return Promise.all([
        fetch(origin + '/map-config.json').then(function (r) {
          return r.json();
        }),
        loadMonth().catch(function () {}),
        loadDistricts(),
      ]);
    })
    .then(function (results) {
      createMap(results[0]);
      fetch(tileJsonUrl('hotspots'), { headers: authHeaders() })
        .then(function (res) {
          return res.json();
        })
        .then(function (doc) {
          cityBbox = doc.bounds;
          updateExports();
        })
        .catch(function () {
          /* keep the default bounds */
        });
    });

  controls.language.addEventListener('change', function () {
    window.pageI18n.use(controls.language.value).then(function () {
      refreshTexts();
      loadDistricts();
      window.panels.updateVisibleDistrict(true);
    });
  });
  controls.district.addEventListener('change', function () {
    refreshAnalysis();
    var district = districts.filter(function (d) {
      return d.id === controls.district.value;
    })[0];
    if (!district) return;
    var bounds = new maplibregl.LngLatBounds();
    JSON.stringify(district.geometry.coordinates, function (key, value) {
      if (Array.isArray(value) && typeof value[0] === 'number') bounds.extend(value);
      return value;
    });
    map.fitBounds(bounds, { padding: 20 });
  });
  controls.resolution.addEventListener('change', refreshAnalysis);
  controls.from.addEventListener('change', refreshAnalysis);
  controls.to.addEventListener('change', refreshAnalysis);
  // a token changes what the caller may see: every layer and panel asks again with it
  controls.token.addEventListener('change', refreshAnalysis);
  controls.showReach.addEventListener('change', function () {
    var visibility = controls.showReach.checked ? 'visible' : 'none';
    map.setLayoutProperty('post-reach-fill', 'visibility', visibility);
    map.setLayoutProperty('post-reach-line', 'visibility', visibility);
  });
})();
