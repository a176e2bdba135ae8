/** Siting new posts: candidates, the maximal covering (suggestPostSites) and the set covering (minimumPostSites) answers. */
import { ArgsType, Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { AnalysisWarning } from '../analysis';
import { IncidentCategoryEnum } from '../enums';
import { AreaInput, TimeWindowInput } from '../inputs';
import { ReachArgs, ReachMethodUsed } from './reach';
import { SitingDemandEnum, SitingSolverEnum, type SitingDemand, type SitingSolverChoice } from './enums';

@InputType({ description: 'A candidate location for a new post, e.g. an available premises.' })
export class CandidateSiteInput {
  @Field(() => Float, { description: 'Longitude, degrees.' })
  lng: number;

  @Field(() => Float, { description: 'Latitude, degrees.' })
  lat: number;

  @Field({ nullable: true, description: 'A label returned with the site (an address, a premises id).' })
  label?: string;
}

@ArgsType()
export class SitingArgs extends ReachArgs {
  @Field(() => AreaInput, { description: 'The area whose demand is to be covered (cells whose centre lies in it).' })
  area: AreaInput;

  @Field(() => [CandidateSiteInput], { nullable: true, description: "Candidate locations (at most 20 000); default: the centres of the area's cells at candidateResolution." })
  candidates?: CandidateSiteInput[];

  @Field(() => Int, { defaultValue: 9, description: 'H3 resolution (7 to 10) of the default candidates (cell centres of the area).' })
  candidateResolution: number;

  @Field(() => Int, { defaultValue: 10, description: 'H3 resolution (9 to 11) of the demand cells.' })
  resolution: number;

  @Field(() => SitingSolverEnum, { defaultValue: 'auto', description: 'Solver.' })
  solver: SitingSolverChoice;

  @Field(() => Float, {
    nullable: true,
    description: "Time limit of the integer programming solver in seconds (0.1 to 60; charged to the request's compute budget). Default: 10 s, or less when the budget left affords less.",
  })
  timeLimitSeconds?: number;

  @Field(() => TimeWindowInput, { nullable: true, description: 'Incidents (and hot spots) in this window; posts opened before its end.' })
  window?: TimeWindowInput;

  @Field(() => [IncidentCategoryEnum], { nullable: true, description: 'Incident categories counted; all when left out.' })
  categories?: string[];
}

@ArgsType()
export class SuggestSitesArgs extends SitingArgs {
  @Field(() => Int, { description: 'How many new sites to choose (1 to 200, at most the number of candidates).' })
  count: number;

  @Field(() => SitingDemandEnum, { defaultValue: 'incidents', description: 'What to bring within reach.' })
  demand: SitingDemand;
}

@ObjectType({ description: 'A chosen site, in order of choice.' })
export class SuggestedSite {
  @Field(() => Int, { description: '1 for the first choice.' })
  rank: number;

  @Field(() => Float, { description: 'Longitude.' })
  lng: number;

  @Field(() => Float, { description: 'Latitude.' })
  lat: number;

  @Field(() => String, { nullable: true, description: "The candidate's label, or its H3 cell for default candidates." })
  label: string | null;

  @Field(() => Int, { description: 'Index of the candidate in the list given (or generated).' })
  candidateIndex: number;

  @Field(() => Float, { description: 'Demand this site newly covers, beyond existing posts and earlier sites.' })
  marginalGain: number;

  @Field(() => Float, { description: 'Demand covered once this site and all before it are open.' })
  coveredAfter: number;
}

@ObjectType({ description: 'How the integer programming solver went.' })
export class SolverRun {
  @Field({ description: 'Solver and version, e.g. HiGHS 1.15.1.' })
  solver: string;

  @Field({ description: 'optimal (proven), timeLimit, infeasible or failed.' })
  status: string;

  @Field({ description: "The solver's own words for its status, or the error." })
  detail: string;

  @Field(() => Float, { description: 'Branch-and-bound nodes.' })
  nodes: number;

  @Field(() => Float, { description: 'Milliseconds in the solver (LP relaxation and branch and cut).' })
  elapsedMs: number;

  @Field(() => Float, { description: 'Milliseconds reducing the model before the solver ran.' })
  reductionMs: number;

  @Field(() => Float, { description: 'The time limit given to the solver, seconds.' })
  timeLimitSeconds: number;

  @Field(() => Int, { description: 'Candidates given to the solver after the reductions (dominated candidates and those no better solution than greedy can hold are left out).' })
  candidates: number;

  @Field(() => Int, { description: 'Demand items (or targets) given to the solver after the reductions (covered, unreachable and implied items left out, identical ones merged).' })
  demandItems: number;

  @Field(() => Float, { nullable: true, description: 'Maximal covering: the Lagrangian bound used to reduce the model (covered demand; null for set covering).' })
  lagrangianBound: number | null;
}

@ObjectType({ description: 'Where new posts cover the most demand (maximal covering location problem).' })
export class SiteSuggestion {
  @Field(() => ReachMethodUsed, { description: 'Reach method of existing posts and candidates.' })
  reach: ReachMethodUsed;

  @Field({ description: 'Demand measure.' })
  demand: string;

  @Field({ description: 'Model and solver in words.' })
  method: string;

  @Field({ description: 'mip or greedy: which algorithm produced the sites (greedy also when the solver failed or found nothing better; see fallbackReason).' })
  solver: string;

  @Field({ description: 'True only when proven: the solver proved it, or greedy met its own bound.' })
  optimal: boolean;

  @Field({ description: 'The solver run: notAttempted, proven, timeBudgetExceeded (stopped by the time limit) or failed.' })
  searchOutcome: string;

  @Field(() => String, { nullable: true, description: "Why the sites are greedy's although the solver was asked for (it failed, or stopped without a better solution); null otherwise." })
  fallbackReason: string | null;

  @Field(() => SolverRun, { nullable: true, description: 'The integer programming run; null when it did not run.' })
  solverRun: SolverRun | null;

  @Field(() => Int, { description: 'Candidates considered.' })
  candidateCount: number;

  @Field(() => Int, { description: 'Existing posts kept fixed.' })
  existingPostCount: number;

  @Field(() => Float, { description: 'Total demand in the area.' })
  totalDemand: number;

  @Field(() => Float, { description: 'Demand covered by existing posts.' })
  coveredBefore: number;

  @Field(() => Float, { description: 'Demand covered with the new sites.' })
  coveredAfter: number;

  @Field(() => Float, { nullable: true, description: 'coveredBefore / totalDemand.' })
  shareBefore: number | null;

  @Field(() => Float, { nullable: true, description: 'coveredAfter / totalDemand.' })
  shareAfter: number | null;

  @Field(() => Float, {
    description:
      "The best proven bound: no choice of `count` sites covers more (the smallest of the MIP bound, the LP bound, the Lagrangian bound and greedy's bound; rounded down when demand is a count). Equals coveredAfter when optimal.",
  })
  upperBound: number;

  @Field(() => Float, { nullable: true, description: 'The LP relaxation bound on covered demand (of the reduced model, existing posts included); null when the solver did not run.' })
  lpBound: number | null;

  @Field(() => Float, { description: '(upperBound - coveredAfter) / upperBound: how far the answer may be below the optimum; 0 when proven.' })
  gap: number;

  @Field(() => Float, { description: 'Demand covered by greedy alone, for comparison.' })
  greedyCoveredAfter: number;

  @Field(() => Float, { description: 'Gain / (upperBound - coveredBefore): the share of the best possible gain proven for this answer.' })
  provenGainRatio: number;

  @Field(() => Float, { description: "A priori guarantee of greedy's gain, 1 - (1 - 1/p)^p >= 1 - 1/e (Nemhauser, Wolsey and Fisher 1978): what holds whenever the answer is greedy's." })
  greedyGuarantee: number;

  @Field(() => Float, { description: 'Demand no candidate and no post reaches.' })
  uncoverableDemand: number;

  @Field(() => [SuggestedSite], { description: 'Sites in order; sites that add nothing are left out.' })
  sites: SuggestedSite[];

  @Field(() => [AnalysisWarning], { description: 'Conditions that affect how to read the answer.' })
  warnings: AnalysisWarning[];
}

@ObjectType({ description: 'The fewest new sites that bring every significant hot spot cell within reach (location set covering).' })
export class MinimumSites {
  @Field(() => ReachMethodUsed, { description: 'Reach method.' })
  reach: ReachMethodUsed;

  @Field({ description: 'Model and solver in words.' })
  method: string;

  @Field({ description: 'mip or greedy (greedy also when the solver failed or found nothing better; see fallbackReason).' })
  solver: string;

  @Field({ description: 'True only when proven: no smaller set covers every coverable target.' })
  optimal: boolean;

  @Field(() => Int, { description: 'Sites needed (length of sites).' })
  count: number;

  @Field(() => Int, { description: "The best proven bound: no fewer sites can do it (MIP bound, LP bound rounded up, and greedy's bounds)." })
  lowerBound: number;

  @Field(() => Float, { nullable: true, description: 'The LP relaxation bound (fractional sites, reduced model); null when the solver did not run.' })
  lpBound: number | null;

  @Field(() => Float, { description: '(count - lowerBound) / count; 0 when proven.' })
  gap: number;

  @Field(() => Int, { description: 'Sites greedy alone needs, for comparison.' })
  greedyCount: number;

  @Field(() => String, { nullable: true, description: "Why the sites are greedy's although the solver was asked for; null otherwise." })
  fallbackReason: string | null;

  @Field(() => SolverRun, { nullable: true, description: 'The integer programming run; null when it did not run.' })
  solverRun: SolverRun | null;

  @Field(() => Float, { description: 'Greedy guarantee H(d).' })
  greedyFactor: number;

  @Field(() => Int, { description: 'Significant hot spot cells in the area.' })
  targetCount: number;

  @Field(() => Int, { description: 'Of them, already within reach of a post.' })
  alreadyCovered: number;

  @Field(() => [String], { description: 'Target cells no candidate reaches (left out; no number of sites covers them).' })
  uncoverableCells: string[];

  @Field(() => Int, { description: 'Candidates considered.' })
  candidateCount: number;

  @Field(() => [SuggestedSite], { description: 'The sites; marginalGain counts newly covered target cells.' })
  sites: SuggestedSite[];

  @Field(() => [AnalysisWarning], { description: 'Conditions that affect how to read the answer.' })
  warnings: AnalysisWarning[];
}
