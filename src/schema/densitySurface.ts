import { ArgsType, Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { Geometry } from '../domain';
import { StudyArea, StudyAreaArgs } from './analysis';
import { PrivacyNote } from './privacy';
import { GeoJSONDocumentScalar, GeoJSONScalar } from './scalars';

export const DensityKernelEnum = { QUARTIC: 'quartic', GAUSSIAN: 'gaussian' } as const;
registerEnumType(DensityKernelEnum, {
  name: 'DensityKernel',
  valuesConfig: { QUARTIC: { description: 'Quartic (biweight) kernel, h the search radius (Esri).' }, GAUSSIAN: { description: 'Gaussian kernel, h the standard deviation.' } },
  description: "QUARTIC: 3/pi (1 - (d/h)^2)^2 within the search radius h (Esri's Kernel Density, Silverman 1986). GAUSSIAN: normal kernel with standard deviation h.",
});

@ArgsType()
export class DensitySurfaceArgs extends StudyAreaArgs {
  @Field(() => DensityKernelEnum, { defaultValue: 'quartic', description: 'QUARTIC (default) or GAUSSIAN.' })
  kernel: 'quartic' | 'gaussian';

  @Field(() => Float, {
    nullable: true,
    description: "Bandwidth in metres, 50 to 5000 (the search radius of the quartic kernel, the standard deviation of the Gaussian); left out: Silverman's rule as Esri's default search radius.",
  })
  bandwidthMeters?: number;
}

@ObjectType({ simpleResolvers: true, description: 'The kernel density at one cell centre.' })
export class DensityCell {
  @Field({ description: 'H3 cell (hex).' })
  h3: string;

  @Field(() => GeoJSONScalar, { description: 'Cell outline (Polygon).' })
  boundary: Geometry;

  @Field(() => Float, { description: 'Kernel density at the cell centre, incidents per km².' })
  perKm2: number;

  @Field(() => Float, { description: 'Kernel-smoothed residents per km² at the cell centre (same kernel and bandwidth).' })
  residentsPerKm2: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Incidents per 1,000 residents: the ratio of the two kernel surfaces (a kernel rate); null where fewer than 100 residents per km² are smoothed to the cell.',
  })
  per1000Residents: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'Parallel arrays of the cells: entry i of each is cell i.' })
export class DensityColumns {
  @Field(() => [String], { description: 'H3 cells (hex).' })
  h3: string[];

  @Field(() => [Float], { description: 'Incidents per km² at each cell centre.' })
  perKm2: number[];

  @Field(() => [Float], { nullable: 'items', description: 'Incidents per 1,000 residents; null where few residents.' })
  per1000Residents: (number | null)[];
}

@ObjectType({ simpleResolvers: true, description: 'A kernel density surface of incidents over a study area.' })
export class DensitySurface {
  @Field({ description: 'The method and its parameters in words.' })
  method: string;

  @Field({ description: 'quartic or gaussian.' })
  kernel: string;

  @Field(() => Float, { description: 'The bandwidth used, metres.' })
  bandwidthMeters: number;

  @Field({ description: 'fixed (as asked) or silverman (the rule of thumb).' })
  bandwidthRule: string;

  @Field(() => Int, { description: 'Points smoothed: incidents for analysts, released cell centres below (see privacy).' })
  pointCount: number;

  @Field(() => StudyArea, { description: 'The study area: cells, incidents counted, window and categories.' })
  studyArea: StudyArea;

  @Field(() => [DensityCell], { description: 'Every cell of the study area with its density.' })
  cells: DensityCell[];

  @Field(() => DensityColumns, { description: 'The cells as parallel arrays (for maps).' })
  columns: DensityColumns;

  @Field(() => GeoJSONDocumentScalar, {
    description: 'Contours as a GeoJSON FeatureCollection of MultiPolygons (properties: level in incidents per km², label): the area at or above the 75th, 90th, 95th and 99th percentile of the cells’ densities.',
  })
  contours: unknown;

  @Field(() => PrivacyNote, { description: 'How the privacy rules shaped this answer.' })
  privacy: PrivacyNote;
}
