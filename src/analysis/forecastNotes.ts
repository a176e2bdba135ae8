/**
 * The forecast methods' notes in words: src/geo/forecast reports what each method fitted as data
 * (it stays free of the catalogues and runs on worker threads); these Texts say it in the
 * caller's language (`analysis.forecast.note.*`), numbers with the decimals the English always had.
 */
import type { ForecastNote, NbTerm } from '../geo/forecast';
import { fixed, joined, text, type Text } from '../i18n/texts';

function coefficientName(term: NbTerm | null, name: string): Text | string {
  return term === null ? name : text(`analysis.forecast.term.${term}`);
}

export function forecastNoteText(note: ForecastNote): Text {
  switch (note.kind) {
    case 'longTermAverage':
      return text('analysis.forecast.note.longTermAverage', { periods: note.periods });
    case 'recentKde':
      return text('analysis.forecast.note.recentKde', { radius: fixed(note.radiusMeters, 0), periods: note.periods });
    case 'selfExciting':
      return text('analysis.forecast.note.selfExciting', {
        steps: note.steps,
        theta: fixed(note.theta, 3),
        omega: fixed(note.omega, 3),
        branching: fixed(note.branchingRatio, 3),
        delay: fixed(note.meanDelaySteps, 1),
        iterations: note.iterations,
        converged: note.converged ? '' : text('analysis.forecast.note.notConverged'),
      });
    case 'regression': {
      const shown = note.coefficients.map((c) => joined([coefficientName(c.term, c.name), fixed(c.estimate, 3)], ' '));
      // theta after the coefficients, as one more "name value" of the list
      if (note.theta !== null) shown.push(joined(['theta', fixed(note.theta, 3)], ' '));
      return text('analysis.forecast.note.regression', {
        family: text(`analysis.forecast.note.family.${note.family}`),
        periods: note.periods,
        cells: note.cells,
        coefficients: joined(shown),
        iterations: note.iterations,
      });
    }
    default:
      return text(`analysis.forecast.note.${note.kind}`);
  }
}
