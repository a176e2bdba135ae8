/** Enums of coverage and siting: how reach is computed, what siting covers, which solver. */
import { registerEnumType } from 'type-graphql';

export const ReachMethodEnum = { STRAIGHT_LINE: 'straightLine', NETWORK: 'network', AUTO: 'auto' } as const;
export type ReachMethodChoice = (typeof ReachMethodEnum)[keyof typeof ReachMethodEnum];
registerEnumType(ReachMethodEnum, {
  name: 'ReachMethod',
  description:
    'NETWORK: walking distance along the loaded street network (access legs from places to the nearest street included). STRAIGHT_LINE: a circle of radius / detour factor. AUTO: NETWORK where streets are loaded in the area, otherwise STRAIGHT_LINE.',
  valuesConfig: {
    STRAIGHT_LINE: { description: 'A circle of radius / detour factor around each post.' },
    NETWORK: { description: 'Walking distance along the loaded street network, access legs included.' },
    AUTO: { description: 'NETWORK where the street network covers at least 80 % of the area, otherwise STRAIGHT_LINE (the answer says which).' },
  },
});

export const SitingDemandEnum = { RESIDENTS: 'residents', YOUNG_RESIDENTS: 'youngResidents', INCIDENTS: 'incidents', HOTSPOT_WEIGHT: 'hotspotWeight' } as const;
export type SitingDemand = (typeof SitingDemandEnum)[keyof typeof SitingDemandEnum];
registerEnumType(SitingDemandEnum, {
  name: 'SitingDemand',
  description: 'What new sites should bring within walking reach: residents, young residents (14-24), incidents in the window, or significant hot spot cells weighted by their Gi* z.',
  valuesConfig: {
    RESIDENTS: { description: 'Residents of the population grid.' },
    YOUNG_RESIDENTS: { description: 'Residents aged 14-24.' },
    INCIDENTS: { description: 'Incidents in the window (of the asked categories).' },
    HOTSPOT_WEIGHT: { description: 'Significant hot spot cells (binFdr >= 2), each weighted by its Gi* z.' },
  },
});

export const SitingSolverEnum = { AUTO: 'auto', GREEDY: 'greedy', MIP: 'mip', EXACT: 'exact' } as const;
export type SitingSolverChoice = (typeof SitingSolverEnum)[keyof typeof SitingSolverEnum];
registerEnumType(SitingSolverEnum, {
  name: 'SitingSolver',
  description:
    'GREEDY: greedy with its proven bound. MIP: the integer program solved by HiGHS within a time limit, started from greedy, with the LP bound and the gap (greedy when the solver fails or finds nothing better). AUTO: MIP unless greedy already meets its own bound. EXACT: the same as MIP.',
  valuesConfig: {
    AUTO: { description: 'The integer program (HiGHS) unless greedy already meets its own bound.' },
    GREEDY: { description: 'Greedy selection with its proven bound (at least 1 - 1/e of the best gain for maximal covering, at most H(d) times the optimum for set covering).' },
    MIP: { description: 'The integer program solved by HiGHS within the time limit; says whether optimality was proven and the gap.' },
    EXACT: { description: 'The same as MIP (the branch and bound it named before is replaced by the integer program).' },
  },
});
