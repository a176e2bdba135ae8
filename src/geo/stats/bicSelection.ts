/**
 * Forward selection of covariates by BIC (Schwarz 1978), as Risk Terrain Modeling selects risk
 * factors (Caplan and Kennedy 2016 use a penalised stepwise count regression): start from the
 * intercept-only model (offset kept), add at each step the candidate that lowers BIC most, stop
 * when no candidate lowers it. BIC's log(n) penalty keeps weak factors out on large study areas.
 * Candidates whose fit fails (constant or collinear columns) are skipped and reported.
 */
import { fitGlm, GlmFamily, GlmFit, GlmOptions } from './glm';

export interface SelectionCandidate {
  name: string;
  column: ArrayLike<number>;
}

export interface SelectionStep {
  added: string;
  bic: number;
}

export interface BicSelection {
  /** the chosen model */
  fit: GlmFit;
  /** names of the selected candidates, in the order they entered */
  selected: string[];
  steps: SelectionStep[];
  /** BIC of the intercept-only model */
  nullBic: number;
  /** candidates that could not be fitted, with the reason */
  skipped: { name: string; reason: string }[];
}

export function forwardSelectByBic(
  family: GlmFamily,
  y: ArrayLike<number>,
  offset: ArrayLike<number> | undefined,
  candidates: readonly SelectionCandidate[],
  options: GlmOptions & { maxTerms?: number } = {},
): BicSelection {
  const fitWith = (names: string[]): GlmFit => {
    const chosen = names.map((name) => candidates.find((c) => c.name === name)!);
    return fitGlm(family, { y, offset, columns: chosen.map((c) => c.column), names }, options);
  };
  let current = fitWith([]);
  const nullBic = current.bic;
  const selected: string[] = [];
  const steps: SelectionStep[] = [];
  const skipped = new Map<string, string>();
  const maxTerms = options.maxTerms ?? candidates.length;
  while (selected.length < maxTerms) {
    let best: { name: string; fit: GlmFit } | null = null;
    for (const c of candidates) {
      if (selected.includes(c.name) || skipped.has(c.name)) continue;
      try {
        const fit = fitWith([...selected, c.name]);
        if (Number.isFinite(fit.bic) && (!best || fit.bic < best.fit.bic)) best = { name: c.name, fit };
      } catch (error) {
        skipped.set(c.name, error instanceof Error ? error.message : String(error));
      }
    }
    if (!best || best.fit.bic >= current.bic) break;
    selected.push(best.name);
    steps.push({ added: best.name, bic: best.fit.bic });
    current = best.fit;
  }
  return { fit: current, selected, steps, nullBic, skipped: [...skipped].map(([name, reason]) => ({ name, reason })) };
}
