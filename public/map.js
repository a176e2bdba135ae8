/*
 * The map page: hotspots at a chosen resolution and window, posts with their walking reach,
 * district outlines as the base map, coverage of the visible district and fix priorities.
 * It uses only the public API: TileJSON and tiles under /tiles, GraphQL at /graphql, exports
 * under /export. Without a token it shows what anonymous callers get (the public release); with
 * a bearer token every request carries it, so analysts see coverage and fix priorities too. `window.mapReady` turns true once hexagons and posts are on screen (the
 * end-to-end test waits for it); `window.mapState` holds what was rendered.
 */
(function () {
  'use strict';

  var origin = window.location.origin;
  var controls = {
    district: document.getElementById('district'),
    resolution: document.getElementById('resolution'),
    from: document.getElementById('from'),
    to: document.getElementById('to'),
    showReach: document.getElementById('show-reach'),
    token: document.getElementById('token'),
  };

  /** The credentials of every request to this server: none, or the bearer token typed in. */
  function authHeaders() {
    var token = controls.token.value.trim();
    return token ? { authorization: 'Bearer ' + token } : {};
  }
  var statusLine = document.getElementById('status');
  window.mapReady = false;
  window.mapState = { hotspots: 0, posts: 0, errors: [] };

  function graphql(query, variables) {
    return fetch(origin + '/graphql', {
      method: 'POST',
      headers: Object.assign({ 'content-type': 'application/json' }, authHeaders()),
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

  var map = new maplibregl.Map({
    container: 'map',
    // no external base map: the districts and hexagons are the map
    style: { version: 8, sources: {}, layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#e9ecef' } }] },
    center: [76.92, 43.24],
    zoom: 10.6,
    attributionControl: { compact: true },
    preserveDrawingBuffer: true,
    // TileJSON and tiles of this server carry the same credentials as the GraphQL requests
    transformRequest: function (url) {
      return url.indexOf(origin) === 0 ? { url: url, headers: authHeaders() } : { url: url };
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
    map.addSource('areas', { type: 'vector', url: tileJsonUrl('areas', new URLSearchParams('kind=DISTRICT')) });
    map.addSource('hotspots', { type: 'vector', url: tileJsonUrl('hotspots', analysisParams()) });
    map.addSource('post_reach', { type: 'vector', url: tileJsonUrl('post_reach') });
    map.addSource('posts', { type: 'vector', url: tileJsonUrl('posts') });

    map.addLayer({ id: 'areas-fill', type: 'fill', source: 'areas', 'source-layer': 'areas', paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.9 } });
    map.addLayer({
      id: 'hotspots-fill',
      type: 'fill',
      source: 'hotspots',
      'source-layer': 'hotspots',
      paint: { 'fill-color': BIN_COLOURS, 'fill-opacity': 0.75, 'fill-outline-color': 'rgba(90, 90, 90, 0.35)' },
    });
    map.addLayer({ id: 'areas-line', type: 'line', source: 'areas', 'source-layer': 'areas', paint: { 'line-color': '#26323d', 'line-width': 1.6 } });
    map.addLayer({ id: 'post-reach-fill', type: 'fill', source: 'post_reach', 'source-layer': 'post_reach', paint: { 'fill-color': '#457b9d', 'fill-opacity': 0.15 } });
    map.addLayer({ id: 'post-reach-line', type: 'line', source: 'post_reach', 'source-layer': 'post_reach', paint: { 'line-color': '#457b9d', 'line-width': 1 } });
    map.addLayer({
      id: 'posts-circle',
      type: 'circle',
      source: 'posts',
      'source-layer': 'posts',
      paint: {
        'circle-radius': ['match', ['get', 'kind'], 'police_station', 6, 'precinct_office', 5, 4],
        'circle-color': '#1d3557',
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5,
      },
    });

    map.on('click', 'hotspots-fill', function (e) {
      var p = e.features[0].properties;
      new maplibregl.Popup()
        .setLngLat(e.lngLat)
        .setHTML('<b>' + p.h3 + '</b><br>incidents: ' + p.count + '<br>z: ' + (p.z === undefined ? 'n/a' : Number(p.z).toFixed(2)) + '<br>p (FDR): ' + (p.pFdr === undefined ? 'n/a' : Number(p.pFdr).toFixed(4)))
        .addTo(map);
    });
    map.on('click', 'posts-circle', function (e) {
      var p = e.features[0].properties;
      new maplibregl.Popup()
        .setLngLat(e.lngLat)
        .setHTML('<b>' + (p.name || 'Post ' + p.id) + '</b><br>' + p.kind + ', ' + p.walkingRadiusM + ' m walking radius')
        .addTo(map);
    });

    map.on('idle', function () {
      var hotspots = map.queryRenderedFeatures({ layers: ['hotspots-fill'] }).length;
      var posts = map.queryRenderedFeatures({ layers: ['posts-circle'] }).length;
      window.mapState.hotspots = hotspots;
      window.mapState.posts = posts;
      if (hotspots > 0 && posts > 0) window.mapReady = true;
    });
    map.on('moveend', updateVisibleDistrict);
    map.once('idle', updateVisibleDistrict);
    updateMethod();
    updateExports();
  });

  // ------------------------------------------------------------------ controls

  function refreshAnalysis() {
    window.mapReady = false;
    map.getSource('hotspots').setUrl(tileJsonUrl('hotspots', analysisParams()));
    updateMethod();
    updateExports();
    updateVisibleDistrict();
  }

  function updateExports() {
    var params = analysisParams();
    if (!params.has('districtId')) params.set('bbox', cityBbox.join(','));
    document.getElementById('export-geojson').href = origin + '/export/hotspots.geojson?' + params;
    document.getElementById('export-csv').href = origin + '/export/hotspots.csv?' + params;
  }

  function updateMethod() {
    var area = controls.district.value ? 'the chosen district' : 'the city bounds';
    document.getElementById('method').textContent =
      'Getis-Ord Gi* of incident counts per H3 cell at resolution ' +
      controls.resolution.value +
      ' over ' +
      area +
      ', binary weights over the cell and its neighbours (k = 1), Benjamini-Hochberg FDR. Associations, not causes.';
  }

  var cityBbox = [76.7, 43.0, 77.25, 43.45];
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

  graphql('{ areas(filter: { kind: DISTRICT }, first: 100) { nodes { id name } } }')
    .then(function (data) {
      data.areas.nodes.forEach(function (area) {
        var option = document.createElement('option');
        option.value = area.id;
        option.textContent = area.name;
        controls.district.appendChild(option);
      });
    })
    .catch(function (error) {
      statusLine.textContent = 'Districts: ' + error.message;
    });

  controls.district.addEventListener('change', function () {
    refreshAnalysis();
    if (!controls.district.value) return;
    graphql('query ($id: ID!) { area(id: $id) { geometry } }', { id: controls.district.value }).then(function (data) {
      var bounds = new maplibregl.LngLatBounds();
      JSON.stringify(data.area.geometry.coordinates, function (key, value) {
        if (Array.isArray(value) && typeof value[0] === 'number') bounds.extend(value);
        return value;
      });
      map.fitBounds(bounds, { padding: 20 });
    });
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

  // ------------------------------------------------------------------ panels

  var shownDistrict = null;

  /** The chosen district, or the one under the centre of the map. */
  function visibleDistrict() {
    if (controls.district.value) return { id: controls.district.value, name: controls.district.selectedOptions[0].textContent };
    var hits = map.queryRenderedFeatures(map.project(map.getCenter()), { layers: ['areas-fill'] });
    return hits.length ? { id: String(hits[0].properties.id), name: hits[0].properties.name } : null;
  }

  function updateVisibleDistrict() {
    var district = visibleDistrict();
    // the token is part of the key: signing in shows what the new role may see
    var key = district ? district.id + '|' + analysisParams() + '|' + (controls.token.value ? 'signed-in' : 'anonymous') : null;
    if (!district || key === shownDistrict) return;
    shownDistrict = key;
    document.getElementById('coverage-district').textContent = district.name;
    loadCoverage(district);
    loadFixPriorities(district);
  }

  function row(list, label, value) {
    var dt = document.createElement('dt');
    dt.textContent = label;
    var dd = document.createElement('dd');
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function percent(part, whole) {
    return whole > 0 ? ((100 * part) / whole).toFixed(1) + ' %' : 'n/a';
  }

  function windowArg() {
    var params = analysisParams();
    var window = {};
    if (params.get('from')) window.from = params.get('from');
    if (params.get('to')) window.to = params.get('to');
    return Object.keys(window).length ? window : null;
  }

  /*
   * Coverage of the district from the coverage query (analysts); callers who may not ask for it
   * get the share derived from the public hexagons answer's straight-line post reach.
   */
  var COVERAGE_QUERY =
    'query ($area: AreaInput!, $resolution: Int!) { coverage(area: $area, resolution: $resolution) { reach { method radiusM detourFactor } overall { residents { share } incidents { share } significantHotspotCells { total share } } } }';

  function loadCoverage(district) {
    var list = document.getElementById('coverage');
    var method = document.getElementById('coverage-method');
    var resolution = Number(controls.resolution.value);
    // coverage counts people and incidents at resolution 9 or finer, whatever the map shows
    graphql(COVERAGE_QUERY, { area: { districtId: district.id }, resolution: Math.max(9, resolution) })
      .then(function (data) {
        var c = data.coverage;
        var share = function (s) {
          return s === null || s === undefined ? 'n/a' : (100 * s).toFixed(1) + ' %';
        };
        list.innerHTML = '';
        row(list, 'Residents within reach', share(c.overall.residents.share));
        row(list, 'Incidents within reach', share(c.overall.incidents.share));
        row(list, 'Significant hot spot cells within reach', share(c.overall.significantHotspotCells.share) + ' of ' + c.overall.significantHotspotCells.total);
        method.textContent = 'From the coverage query: ' + c.reach.method + ', radius ' + (c.reach.radiusM === null ? 'of each post' : c.reach.radiusM + ' m') + ', detour factor ' + c.reach.detourFactor + '.';
        list.dataset.source = 'coverage';
      })
      .catch(function () {
        return graphql(
          'query ($area: AreaInput!, $resolution: Int!, $window: TimeWindowInput) { hexagons(area: $area, resolution: $resolution, window: $window) { studyArea { cellCount incidentCount } cells { residents incidents withinPostReach } } }',
          { area: { districtId: district.id }, resolution: resolution, window: windowArg() },
        ).then(function (data) {
          var cells = data.hexagons.cells;
          var residents = 0,
            reachedResidents = 0,
            incidents = 0,
            reachedIncidents = 0,
            reachedCells = 0;
          cells.forEach(function (cell) {
            residents += cell.residents;
            incidents += cell.incidents;
            if (cell.withinPostReach) {
              reachedCells += 1;
              reachedResidents += cell.residents;
              reachedIncidents += cell.incidents;
            }
          });
          list.innerHTML = '';
          row(list, 'Residents within reach', percent(reachedResidents, residents));
          row(list, 'Cells within reach', percent(reachedCells, cells.length));
          row(list, 'Incidents within reach', percent(reachedIncidents, incidents));
          row(list, 'Cells', String(cells.length));
          method.textContent = "From the hexagons query: a cell counts as reached when its centre lies within a post's walking radius divided by the detour factor 1.3 (straight line, not street routes).";
          list.dataset.source = 'hexagons';
        });
      })
      .catch(function (error) {
        list.innerHTML = '';
        method.textContent = 'Coverage unavailable: ' + error.message;
      });
  }

  /*
   * The district's fix priorities (analysts); the panel stays hidden for callers who may not ask.
   */
  var FIX_PRIORITIES_QUERY = 'query ($area: AreaInput!) { fixPriorities(area: $area, first: 10) { items { rank kind roadDefectKind agency expectedPreventedPerYear } } }';

  function loadFixPriorities(district) {
    var panel = document.getElementById('fix-panel');
    var list = document.getElementById('fix-priorities');
    graphql(FIX_PRIORITIES_QUERY, { area: { districtId: district.id } })
      .then(function (data) {
        var items = data.fixPriorities.items;
        list.innerHTML = '';
        items.forEach(function (item) {
          var li = document.createElement('li');
          li.textContent = (item.roadDefectKind || item.kind).replace(/_/g, ' ') + ' (' + item.agency + '): ' + Number(item.expectedPreventedPerYear).toFixed(2) + ' incidents a year associated';
          list.appendChild(li);
        });
        panel.hidden = items.length === 0;
      })
      .catch(function () {
        panel.hidden = true;
      });
  }
})();
