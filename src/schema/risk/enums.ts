/** Enums of the risk models: time of day, exposure offset, regression family, operationalisation of a factor, kind of fix. */
import { registerEnumType } from 'type-graphql';

export const TimeOfDayEnum = { ALL: 'all', DAY: 'day', NIGHT: 'night' } as const;
registerEnumType(TimeOfDayEnum, {
  name: 'TimeOfDay',
  valuesConfig: {
    ALL: { description: 'All incidents.' },
    DAY: { description: 'Incidents between sunrise and sunset at their place and moment.' },
    NIGHT: { description: 'Incidents between sunset and sunrise at their place and moment.' },
  },
  description: 'Which incidents a factor is judged against: ALL, DAY (sunrise to sunset at the place and moment) or NIGHT (sunset to sunrise). Incidents without an exact time count only in ALL.',
});

export const RiskExposureEnum = { RESIDENTS: 'residents', AREA: 'area' } as const;
registerEnumType(RiskExposureEnum, {
  name: 'RiskExposure',
  valuesConfig: {
    RESIDENTS: { description: 'log residents of the cell; cells without residents are left out.' },
    AREA: { description: 'log cell area in km².' },
  },
  description: 'The offset of the count regression: RESIDENTS (log residents; cells without residents are left out) or AREA (log cell area in km²).',
});

export const RiskModelFamilyEnum = { POISSON: 'poisson', NEGATIVE_BINOMIAL: 'negative_binomial', AUTO: 'auto' } as const;
registerEnumType(RiskModelFamilyEnum, {
  name: 'RiskModelFamily',
  valuesConfig: {
    POISSON: { description: 'Poisson regression with log link.' },
    NEGATIVE_BINOMIAL: { description: 'Negative binomial (NB2), theta by maximum likelihood as MASS::glm.nb.' },
    AUTO: { description: 'Negative binomial when the Poisson Pearson dispersion exceeds 1.2, else Poisson.' },
  },
  description: 'POISSON, NEGATIVE_BINOMIAL (NB2, theta by maximum likelihood as MASS::glm.nb) or AUTO (negative binomial when the Poisson model with every candidate factor has Pearson dispersion above 1.2).',
});

export const OperationalisationEnum = { PROXIMITY: 'proximity', DENSITY: 'density' } as const;
registerEnumType(OperationalisationEnum, {
  name: 'FactorOperationalisation',
  valuesConfig: {
    PROXIMITY: { description: '1 when the factor is present within reach of the cell, else 0.' },
    DENSITY: { description: 'How much of the factor is within reach.' },
  },
  description: 'PROXIMITY: 1 when the factor is present within the reach of the cell, else 0. DENSITY: how much of it is within reach.',
});

export const FixKindEnum = { LIGHTING_OUTAGE: 'lighting_outage', ROAD_DEFECT: 'road_defect', YOUTH_FACILITY_GAP: 'youth_facility_gap' } as const;
registerEnumType(FixKindEnum, {
  name: 'FixKind',
  valuesConfig: {
    LIGHTING_OUTAGE: { description: 'An open lighting outage.' },
    ROAD_DEFECT: { description: 'An open road defect.' },
    YOUTH_FACILITY_GAP: { description: 'A cell with young residents and no youth facility within reach.' },
  },
  description: 'An open lighting outage, an open road defect, or a cell in a youth-facility gap.',
});
