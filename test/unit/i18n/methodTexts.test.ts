/**
 * The methods of siting, forecasts, near repeats and density surfaces from the catalogues: the
 * English exactly as the modules wrote it as template strings before, Russian and Kazakh in their
 * own words with numbers in their locale.
 */
import { didNoteText } from '../../../src/analysis/evaluation';
import { forecastNoteText } from '../../../src/analysis/forecastNotes';
import { factorNoteText, factorParameterText } from '../../../src/analysis/riskReport';
import type { ForecastNote } from '../../../src/geo/forecast';
import { english, fixed, joined, render, text, type Text } from '../../../src/i18n/texts';

const CYRILLIC = /[А-Яа-яЁё]/;
/** Three lower-case English words in a row, once names written in Latin (with a capital or underscore) are left out. */
const ENGLISH_SENTENCE = /\b[a-z]{2,}\s+[a-z]{2,}\s+[a-z]{2,}\b/;
const words = (s: string) => s.replace(/[A-Za-z_]*[A-Z_][A-Za-z_]*|\([^)]*\d{4}\)/g, ' ');

function inOwnWords(t: Text): void {
  for (const lang of ['ru', 'kk'] as const) {
    const rendered = render(lang, t);
    expect(rendered).toMatch(CYRILLIC);
    expect([rendered, ENGLISH_SENTENCE.test(words(rendered))]).toEqual([rendered, false]);
  }
}

describe('siting methods', () => {
  it('maximal covering', () => {
    const method = text('analysis.siting.maximalCovering', {
      cells: 42,
      resolution: 10,
      demand: text('analysis.siting.demand.hotspotWeight'),
      candidates: 3,
      radius: 500,
      posts: 2,
      solver: text('analysis.siting.solver.mip', { solver: 'HiGHS 1.7.0' }),
    });
    expect(english(method)).toBe(
      'maximal covering location problem (Church and ReVelle 1974) over 42 resolution-10 demand cells (hotspotWeight: Gi* z of cells with binFdr >= 2) and 3 candidates with a 500 m walking radius, 2 existing posts fixed; greedy with the Nemhauser-Wolsey-Fisher bound, then the integer program (HiGHS 1.7.0) on the reduced instance',
    );
    expect(render('ru', method)).toMatch(/^задача о максимальном покрытии \(Church и ReVelle 1974\)/);
    inOwnWords(method);
    for (const demand of ['residents', 'youngResidents', 'incidents']) expect(english(text(`analysis.siting.demand.${demand}`))).toBe(demand);
  });

  it('set covering', () => {
    const method = text('analysis.siting.setCovering', { targets: 7, resolution: 10, candidates: 120, radius: 500, posts: 0, solver: text('analysis.siting.solver.nothingBetter', { solver: 'HiGHS' }) });
    expect(english(method)).toBe(
      'location set covering (Toregas et al. 1971) of 7 significant hot spot cells (resolution 10, binFdr >= 2) with 120 candidates at a 500 m walking radius, 0 existing posts fixed; greedy with lower bounds; the integer program (HiGHS) found nothing better',
    );
    inOwnWords(method);
    expect(english(text('analysis.siting.notAffordedWarning', { reason: text('analysis.siting.notAfforded') }))).toBe(
      'the compute budget left by this request affords no solver time: greedy alone (ask for fewer candidates, a smaller area or fewer aliases)',
    );
    inOwnWords(text('analysis.siting.notAfforded'));
    expect(english(text('analysis.siting.nothingBetter', { detail: 'time limit reached' }))).toBe('the solver found nothing better than greedy (time limit reached)');
  });
});

describe('forecast methods', () => {
  const notes: [ForecastNote, string][] = [
    [{ kind: 'lastPeriod' }, 'the counts of the previous period'],
    [{ kind: 'longTermAverage', periods: 8 }, 'the mean of 8 earlier periods'],
    [{ kind: 'recentKde', radiusMeters: 349.6, periods: 4 }, 'quartic kernel density, radius 350 m, of the mean of the last 4 periods'],
    [
      { kind: 'selfExciting', steps: 56, theta: 0.12345, omega: 0.5, branchingRatio: 0.1, meanDelaySteps: 2.54, iterations: 30, converged: false },
      'EM over 56 steps: theta 0.123, decay omega 0.500 per step, branching ratio 0.100 (mean delay 2.5 steps), 30 iterations (not converged)',
    ],
    [
      {
        kind: 'regression',
        family: 'poisson',
        periods: 5,
        cells: 40,
        coefficients: [
          { term: 'intercept', name: '(Intercept)', estimate: -1.5 },
          { term: 'recentMean', name: 'recentMean', estimate: 0.25 },
          { term: null, name: 'lighting|density', estimate: 0.4 },
        ],
        theta: 1.25,
        iterations: 6,
      },
      'Poisson (the negative binomial fit failed) over 5 periods x 40 cells: (Intercept) -1.500, log1p(mean of last 3) 0.250, lighting|density 0.400, theta 1.250 (6 IRLS iterations)',
    ],
    [{ kind: 'longTermAverageInstead' }, 'too little history or no fit: the long-term average instead'],
    [{ kind: 'noOrigin' }, 'no origin'],
  ];

  it.each(notes)('the note %j', (note, expected) => {
    expect(english(forecastNoteText(note))).toBe(expected);
    inOwnWords(forecastNoteText(note));
  });

  it('the forecast and the backtest', () => {
    const factors = text('analysis.forecast.factors.selected', { before: '2025-01-06', terms: 'lighting|density' });
    const method = text('analysis.forecast.method', {
      method: 'negativeBinomial',
      note: forecastNoteText({ kind: 'lastPeriod' }),
      history: text('analysis.forecast.span.week', { count: 8 }),
      source: joined([text('analysis.forecast.source.incidents', { zone: 'Asia/Almaty' }), factors], '; '),
    });
    expect(english(method)).toBe(
      'negativeBinomial: the counts of the previous period; from 8 weeks of incidents binned by calendar day in Asia/Almaty; environmental factors selected by the risk model over the year before 2025-01-06: lighting|density',
    );
    expect(render('ru', method)).toContain('по данным за 8 недель');
    expect(render('ru', text('analysis.forecast.span.month', { count: 24 }))).toBe('24 месяца');
    expect(render('ru', text('analysis.forecast.span.day', { count: 121 }))).toBe('121 день');
    inOwnWords(method);
    const backtest = text('analysis.forecast.backtest', {
      origins: 3,
      history: text('analysis.forecast.span.month', { count: 24 }),
      share: 2,
      factors: text('analysis.forecast.factorsOfNegativeBinomial', { note: text('analysis.forecast.factors.none') }),
    });
    expect(english(backtest)).toBe(
      "rolling origin over the last 3 of 24 months: each method forecasts each period from the ones before it; hot cells are the highest-ranked cells within 1, 2 and 5 % of the area (ties in a seeded order); PAI, PEI and RRI averaged over the origins; each method's PAI at 2 % against LAST_PERIOD by an exact sign-flip test, Benjamini-Hochberg adjusted; negative binomial: no environmental factors: the risk model selected none",
    );
    inOwnWords(backtest);
    expect(english(text('analysis.forecast.source.released'))).toBe('released monthly cell counts (release lattice, UTC months)');
  });
});

describe('near repeat and density methods', () => {
  it('near repeat', () => {
    const method = text('analysis.nearRepeat.method', {
      sameLocation: 0,
      distanceBands: 5,
      distanceBand: 100,
      zone: 'Asia/Almaty',
      timeBands: 5,
      timeBand: 7,
      permutations: 99,
      seed: '12345',
      p: text('analysis.nearRepeat.pFdr'),
      alpha: 0.05,
      days: 14,
      asOf: '2025-06-01T00:00:00.000Z',
      radius: 200,
    });
    expect(english(method)).toBe(
      "Knox test as Ratcliffe's Near Repeat Calculator: pairs of incidents by Euclidean distance (same location <= 0 m, 5 bands of 100 m, beyond) and whole calendar days apart in Asia/Almaty (5 bands of 7 days, beyond); expected counts from 99 Monte Carlo permutations of the dates (seed 12345); Knox ratio observed / expected; a band is significant when its ratio is above 1 and its Benjamini-Hochberg adjusted pseudo p is at most 0.05; risk places: incidents of the last 14 days before 2025-06-01T00:00:00.000Z, radius 200 m",
    );
    expect(render('ru', method)).toContain('начальное значение 12345');
    expect(render('ru', method)).toContain('не больше 0,05');
    inOwnWords(method);
  });

  it('density surface', () => {
    const method = text('analysis.density.method', {
      kernel: text('analysis.density.kernel.quartic'),
      bandwidthKind: text('analysis.density.searchRadius'),
      bandwidth: fixed(412.345, 1),
      rule: text('analysis.density.rule.silverman'),
      source: text('analysis.density.source.incidents', { incidents: 60 }),
      columns: 160,
      rows: 120,
    });
    expect(english(method)).toBe(
      "kernel density (Silverman 1986), quartic kernel, search radius 412.3 m (Silverman's rule as Esri's default search radius), of 60 incidents at their positions (those outside the study area are not smoothed in); evaluated at each cell centre per km²; per resident: the ratio of the incident and the resident surfaces (same kernel and bandwidth); contours by marching squares on a 160 x 120 grid",
    );
    expect(render('ru', method)).toContain('412,3 м');
    inOwnWords(method);
    const released = text('analysis.density.source.released', { suppressedAs: 2.5 });
    expect(english(released)).toBe('released cell counts at the cell centres (suppressed ones as 2.5)');
    expect(render('kk', released)).toContain('2,5');
  });
});

describe('risk model texts', () => {
  it("a fix's basis and a model's family reason", () => {
    const notSelected = text('analysis.fix.notSelected', { factor: 'road_defect:pothole', response: text('analysis.risk.timeOfDay.all') });
    expect(english(notSelected)).toBe('road_defect:pothole was not selected by BIC in the model of all incidents: no expected effect');
    const youth = text('analysis.fix.selectedModel', {
      family: text('analysis.fix.family.negative_binomial'),
      response: text('analysis.risk.timeOfDay.all'),
      operationalisation: text('analysis.fix.operationalisation.density'),
      detail: text('analysis.fix.beyondGap', { km: fixed(0.4567, 2) }),
      notPositive: text('analysis.fix.notPositive'),
    });
    expect(english(youth)).toBe(
      'RR from the selected negative_binomial model of all incidents per cell, density operationalisation, for 0.46 km beyond the gap distance; the association is not positive, so no expected effect',
    );
    const panel = text('analysis.fix.lightingPanel', {
      response: text('analysis.risk.timeOfDay.night'),
      operationalisation: text('analysis.fix.operationalisation.density'),
      detail: text('analysis.fix.oneOutage'),
      notPositive: '',
    });
    expect(english(panel)).toBe('RR from the within-cell panel of night incidents (cell and period fixed effects), density operationalisation, one outage dark every night');
    const reason = text('analysis.risk.familyReason.dispersion', { dispersion: fixed(2.345, 2), comparison: '>', threshold: 1.5 });
    expect(english(reason)).toBe('AUTO: Pearson dispersion of the Poisson model with every candidate 2.35 > 1.5');
    expect(render('ru', reason)).toContain('2,35 > 1,5');
    for (const t of [notSelected, youth, panel, reason, text('analysis.risk.familyReason.asked')]) inOwnWords(t);
  });
});

describe('difference-in-differences notes', () => {
  it('say in words what src/geo/stats reports as data', () => {
    expect(english(didNoteText({ kind: 'continuityCorrected' }))).toBe('a count is zero: 0.5 was added to each of the four counts (Haldane-Anscombe) so the ratio and its interval exist');
    expect(english(didNoteText({ kind: 'fewCounts', smallest: 3, minimum: 10 }))).toBe('too few incidents to conclude: the smallest of the four counts is 3 (below 10)');
    expect(english(didNoteText({ kind: 'fewExpected', expected: 4.57, minimum: 5 }))).toBe('too few incidents to conclude: the treated after-count expected without change is 4.57 (below 5)');
    expect(render('ru', didNoteText({ kind: 'fewExpected', expected: 4.57, minimum: 5 }))).toContain('4,57');
    expect(english(didNoteText({ kind: 'noPooledRatio' }))).toBe('no fix has counts on both sides of its table: the pooled ratio does not exist');
    expect(english(didNoteText({ kind: 'fewPooledCounts', smallest: 2, minimum: 10 }))).toBe('too few incidents to conclude: the smallest pooled count is 2 (below 10)');
    for (const kind of ['continuityCorrected', 'noPooledRatio'] as const) inOwnWords(didNoteText({ kind }));
    inOwnWords(didNoteText({ kind: 'fewExpected', expected: 4.57, minimum: 5 }));
  });
});

describe("a risk factor's parameter and note", () => {
  it('read as the risk model wrote them in English, with the rings counted in Russian', () => {
    expect(english(factorParameterText({ kind: 'defectPresent', rings: 0 }))).toBe('1 when an open defect of this kind lies in the cell');
    expect(english(factorParameterText({ kind: 'defectCount', rings: 1 }))).toBe('open defects of this kind within 1 ring of the cell (per defect)');
    expect(english(factorParameterText({ kind: 'featurePresent', rings: 2 }))).toBe('1 when a feature of the layer present at the window end lies within 2 rings of the cell');
    expect(english(factorParameterText({ kind: 'outagePresent', rings: 1, days: 61, periods: 6 }))).toBe(
      '1 in a 61-day period when an outage was dark within 1 ring of the cell at some time in it (within-cell comparison over 6 periods)',
    );
    expect(english(factorParameterText({ kind: 'youthGap', metres: 1000 }))).toBe('1 when the nearest youth facility is more than 1000 m walking from the cell centre');
    expect(english(factorNoteText({ kind: 'withheld', minimum: 5 })!)).toBe(
      'withheld below the analyst role: fewer than 5 exposed cells, or fewer than 5 incidents in the exposed or in the unexposed cells, so an estimate could reveal a small count',
    );
    expect(english(factorNoteText({ kind: 'notEstimable', detail: 'singular matrix' })!)).toBe('not estimable: singular matrix');
    expect(factorNoteText(null)).toBeNull();
    expect(render('ru', factorParameterText({ kind: 'defectCount', rings: 2 }))).toBe('открытые дефекты этого вида в пределах 2 колец вокруг ячейки (на дефект)');
    expect(render('ru', factorParameterText({ kind: 'defectCount', rings: 1 }))).toBe('открытые дефекты этого вида в пределах 1 кольца вокруг ячейки (на дефект)');
    for (const p of [
      { kind: 'youthGap', metres: 1000 },
      { kind: 'youthDistance', capKm: 3 },
      { kind: 'defectPresent', rings: 1 },
      { kind: 'featureCount', rings: 0 },
      { kind: 'outageDensity', rings: 2, days: 30, periods: 12 },
    ] as const)
      inOwnWords(factorParameterText(p));
    for (const n of [{ kind: 'nothingExposed' }, { kind: 'everythingExposed' }, { kind: 'withheld', minimum: 5 }, { kind: 'windowTooShort' }] as const) inOwnWords(factorNoteText(n)!);
  });
});
