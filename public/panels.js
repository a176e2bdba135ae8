/*
 * The side panels of the map page: what the hotspot analysis found (or why nothing is
 * significant, and how many cells privacy hid), coverage of the visible district, and its fix
 * priorities with place, responsible service, expected effect with its interval and a link that
 * flies to the item. Items with no association (expected effect 0) are not priorities: they are
 * counted apart, saying why. Every word comes from the catalogues (public/i18n.js).
 */
(function () {
  'use strict';

  var t = function (key, values) {
    return window.pageI18n.t(key, values);
  };
  var page = function () {
    return window.mapPage;
  };
  var shownDistrict = null;
  var threshold = 5;

  function percent(share) {
    if (share === null || share === undefined || !isFinite(share)) return t('page.notAvailable');
    return new Intl.NumberFormat(window.pageI18n.locale(), { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(share);
  }

  function row(list, label, value) {
    var dt = document.createElement('dt');
    dt.textContent = label;
    var dd = document.createElement('dd');
    dd.textContent = value;
    list.appendChild(dt);
    list.appendChild(dd);
  }

  function windowArg() {
    var params = page().analysisParams();
    var window = {};
    if (params.get('from')) window.from = params.get('from');
    if (params.get('to')) window.to = params.get('to');
    return Object.keys(window).length ? window : null;
  }

  /** The chosen district, or the one under the centre of the map. */
  function visibleDistrict() {
    var controls = page().controls;
    var map = page().map();
    var id = controls.district.value;
    if (!id && map) {
      var hits = map.queryRenderedFeatures(map.project(map.getCenter()), { layers: ['areas-fill'] });
      id = hits.length ? String(hits[0].properties.id) : null;
    }
    var found = page()
      .districts()
      .filter(function (d) {
        return d.id === id;
      })[0];
    return found || null;
  }

  function updateVisibleDistrict(force) {
    loadSignificance();
    var district = visibleDistrict();
    var controls = page().controls;
    // the token and language are part of the key: signing in or switching language asks again
    var key = district ? [district.id, page().analysisParams(), controls.token.value ? 'signed-in' : 'anonymous', window.pageI18n.language()].join('|') : null;
    document.getElementById('coverage-heading').textContent = t('page.coverageHeading', { district: district ? district.name : t('page.visibleDistrict') });
    if (!district || (key === shownDistrict && force !== true)) return;
    shownDistrict = key;
    loadCoverage(district);
    loadFixPriorities(district);
  }

  // ------------------------------------------------------------------ what the analysis found

  var SIGNIFICANCE_QUERY =
    'query ($area: AreaInput!, $resolution: Int!, $window: TimeWindowInput) { hotspots(area: $area, resolution: $resolution, window: $window) { hotCellCount coldCellCount studyArea { cellCount incidentCount } warnings { code } privacy { applied threshold suppressedCells } } }';

  function loadSignificance() {
    var controls = page().controls;
    var note = document.getElementById('significance-note');
    var area = controls.district.value ? { districtId: controls.district.value } : { bbox: page().cityBbox() };
    page()
      .graphql(SIGNIFICANCE_QUERY, { area: area, resolution: Number(controls.resolution.value), window: windowArg() })
      .then(function (data) {
        var h = data.hotspots;
        threshold = h.privacy.threshold;
        var parts = [];
        if (h.hotCellCount + h.coldCellCount === 0) {
          var zeroVariance = h.warnings.some(function (w) {
            return w.code === 'ZERO_VARIANCE';
          });
          var reason = zeroVariance ? t('page.reasonZeroVariance') : h.studyArea.incidentCount < h.studyArea.cellCount ? t('page.reasonFewIncidents') : t('page.reasonGeneric');
          parts.push(t('page.nothingSignificant', { reason: reason }));
        } else {
          parts.push(t('page.significantCells', { hot: page().number(h.hotCellCount, 0), cold: page().number(h.coldCellCount, 0) }));
        }
        if (h.privacy.applied && h.privacy.suppressedCells > 0) parts.push(t('page.suppressedCells', { count: h.privacy.suppressedCells, max: h.privacy.threshold - 1 }));
        note.textContent = parts.join(' ');
        note.dataset.significant = String(h.hotCellCount + h.coldCellCount);
      })
      .catch(function (error) {
        note.textContent = error.message;
      });
  }

  // ------------------------------------------------------------------ coverage

  var COVERAGE_QUERY =
    'query ($area: AreaInput!, $resolution: Int!) { coverage(area: $area, resolution: $resolution) { reach { method radiusM detourFactor } overall { residents { share } incidents { share } significantHotspotCells { total share } } } }';
  var HEXAGONS_QUERY = 'query ($area: AreaInput!, $resolution: Int!, $window: TimeWindowInput) { hexagons(area: $area, resolution: $resolution, window: $window) { cells { residents incidents withinPostReach } } }';

  /*
   * Coverage of the district from the coverage query (analysts); callers who may not ask for it
   * get the share derived from the public hexagons answer's straight-line post reach.
   */
  function loadCoverage(district) {
    var list = document.getElementById('coverage');
    var method = document.getElementById('coverage-method');
    var resolution = Number(page().controls.resolution.value);
    // coverage counts people and incidents at resolution 9 or finer, whatever the map shows
    page()
      .graphql(COVERAGE_QUERY, { area: { districtId: district.id }, resolution: Math.max(9, resolution) })
      .then(function (data) {
        var c = data.coverage;
        list.innerHTML = '';
        row(list, t('page.residentsWithinReach'), percent(c.overall.residents.share));
        row(list, t('page.incidentsWithinReach'), percent(c.overall.incidents.share));
        row(list, t('page.hotCellsWithinReach'), t('page.shareOf', { share: percent(c.overall.significantHotspotCells.share), total: page().number(c.overall.significantHotspotCells.total, 0) }));
        var methodName = t('enum.ReachMethod.' + (c.reach.method === 'straightLine' ? 'STRAIGHT_LINE' : String(c.reach.method).toUpperCase()));
        var radius = c.reach.radiusM === null ? t('page.radiusOfEachPost') : t('page.metres', { value: page().number(c.reach.radiusM, 0) });
        method.textContent = t('page.coverageFromQuery', { method: methodName, radius: radius, detour: page().number(c.reach.detourFactor, 1) });
        list.dataset.source = 'coverage';
      })
      .catch(function () {
        return page()
          .graphql(HEXAGONS_QUERY, { area: { districtId: district.id }, resolution: resolution, window: windowArg() })
          .then(function (data) {
            var cells = data.hexagons.cells;
            var sums = { residents: 0, reachedResidents: 0, incidents: 0, reachedIncidents: 0, reachedCells: 0 };
            cells.forEach(function (cell) {
              sums.residents += cell.residents;
              sums.incidents += cell.incidents || 0;
              if (cell.withinPostReach) {
                sums.reachedCells += 1;
                sums.reachedResidents += cell.residents;
                sums.reachedIncidents += cell.incidents || 0;
              }
            });
            list.innerHTML = '';
            row(list, t('page.residentsWithinReach'), percent(sums.residents > 0 ? sums.reachedResidents / sums.residents : null));
            row(list, t('page.cellsWithinReach'), percent(cells.length > 0 ? sums.reachedCells / cells.length : null));
            row(list, t('page.incidentsWithinReach'), percent(sums.incidents > 0 ? sums.reachedIncidents / sums.incidents : null));
            row(list, t('page.cells'), page().number(cells.length, 0));
            method.textContent = t('page.coverageFromHexagons');
            list.dataset.source = 'hexagons';
          });
      })
      .catch(function (error) {
        list.innerHTML = '';
        method.textContent = t('page.coverageUnavailable', { message: error.message });
      });
  }

  // ------------------------------------------------------------------ fix priorities

  /* The district's fix priorities (analysts, the working group, agencies); hidden for callers who may not ask. */
  var FIX_PRIORITIES_QUERY =
    'query ($area: AreaInput!) { fixPriorities(area: $area, first: 200) { totalCount items { rank id kind kindLabel roadDefectKindLabel agencyLabel location streetName districtName expectedPreventedPerYear expectedPreventedPerYearLow expectedPreventedPerYearHigh } } }';
  var SHOWN_FIXES = 10;

  function fixItem(item) {
    var li = document.createElement('li');
    li.dataset.lng = item.location.coordinates[0];
    li.dataset.lat = item.location.coordinates[1];
    var what = document.createElement('b');
    what.textContent = item.roadDefectKindLabel || item.kindLabel;
    var place = document.createElement('div');
    place.className = 'place';
    place.textContent = [item.streetName, item.districtName].filter(Boolean).join(', ') || t('page.fixNoPlace');
    var agency = document.createElement('div');
    agency.textContent = t('page.fixAgency', { agency: item.agencyLabel });
    var effect = document.createElement('div');
    effect.textContent = t('page.fixEffect', {
      value: page().number(item.expectedPreventedPerYear, 2),
      low: page().number(item.expectedPreventedPerYearLow, 2),
      high: page().number(item.expectedPreventedPerYearHigh, 2),
    });
    var link = document.createElement('a');
    link.href = '#';
    link.className = 'fly';
    link.textContent = t('page.fixShowOnMap');
    link.addEventListener('click', function (event) {
      event.preventDefault();
      page().flyTo(item.location.coordinates, 16);
    });
    [what, place, agency, effect, link].forEach(function (el) {
      li.appendChild(el);
    });
    return li;
  }

  function loadFixPriorities(district) {
    var panel = document.getElementById('fix-panel');
    var list = document.getElementById('fix-priorities');
    var leftOut = document.getElementById('fix-left-out');
    page()
      .graphql(FIX_PRIORITIES_QUERY, { area: { districtId: district.id } })
      .then(function (data) {
        var items = data.fixPriorities.items;
        var associated = items.filter(function (item) {
          return item.expectedPreventedPerYear > 0;
        });
        // the ranking puts items without association last: all of them beyond the associated ones
        var without = data.fixPriorities.totalCount - associated.length;
        list.innerHTML = '';
        associated.slice(0, SHOWN_FIXES).forEach(function (item) {
          list.appendChild(fixItem(item));
        });
        leftOut.textContent = associated.length === 0 ? t('page.fixNone') : without > 0 ? t('page.fixLeftOut', { count: without }) : '';
        panel.hidden = false;
      })
      .catch(function () {
        panel.hidden = true;
      });
  }

  window.panels = {
    updateVisibleDistrict: updateVisibleDistrict,
    threshold: function () {
      return threshold;
    },
  };
})();
