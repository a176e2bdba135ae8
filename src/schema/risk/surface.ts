/** The answer of riskSurface: each cell's modelled relative risk, for mapping. */
import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { Geometry } from '../../domain';
import { AnalysisWarning, StudyArea } from '../analysis';
import { PrivacyNote } from '../privacy';
import { GeoJSONDocumentScalar, GeoJSONScalar } from '../scalars';
import { LightingPanelSummary, RiskModelSummary } from './factors';

@ObjectType({ description: 'The modelled relative risk of one cell.' })
export class RiskSurfaceCell {
  @Field({ description: 'H3 cell (hex).' })
  h3: string;

  @Field(() => GeoJSONScalar, { description: 'Cell outline (GeoJSON Polygon).' })
  boundary: Geometry;

  @Field(() => Float, { description: 'exp(sum of selected beta x): the incident rate relative to the same exposure with none of the selected factors.' })
  relativeRisk: number;

  @Field(() => Float, { description: 'Incidents the model expects in the cell over the window (exposure included).' })
  expected: number;

  @Field(() => Int, { nullable: true, description: 'Incidents counted (of the response); null below the analyst role, where no per-cell count of a model is released (released counts are in hexagons).' })
  observed: number | null;
}

@ObjectType({ description: 'Each cell’s relative risk from the selected model, for mapping.' })
export class RiskSurface {
  @Field({ description: 'Method in words.' })
  method: string;

  @Field(() => StudyArea, { description: 'What was analysed.' })
  studyArea: StudyArea;

  @Field(() => RiskModelSummary, { description: 'The model the surface comes from.' })
  model: RiskModelSummary;

  @Field(() => LightingPanelSummary, {
    description: 'The lighting model; its relative risk enters the surface only when it was selected against the same incidents (ask timeOfDay NIGHT for a night surface with lighting).',
  })
  lightingModel: LightingPanelSummary;

  @Field(() => [RiskSurfaceCell], { description: 'Every model cell.' })
  cells: RiskSurfaceCell[];

  @Field(() => GeoJSONDocumentScalar, { description: 'The cells as one GeoJSON FeatureCollection (properties h3, relativeRisk, expected, observed).' })
  featureCollection: unknown;

  @Field(() => [AnalysisWarning], { description: 'As for riskFactors.' })
  warnings: AnalysisWarning[];

  @Field({ description: 'How to read these numbers.' })
  caveat: string;

  @Field(() => PrivacyNote, { description: 'Whether the release rules for roles below analyst applied, and which (see docs/security.md).' })
  privacy: PrivacyNote;
}
