/** The arguments every risk query shares (riskFactors, riskSurface, fixPriorities): study area, incidents, reach, family. */
import { ArgsType, Field, Float, Int } from 'type-graphql';
import { StudyAreaArgs } from '../analysis';
import { RiskExposureEnum, RiskModelFamilyEnum, TimeOfDayEnum } from './enums';

@ArgsType()
export class RiskModelArgs extends StudyAreaArgs {
  @Field(() => TimeOfDayEnum, {
    nullable: true,
    description: 'Incidents the factors are judged against. Left out: lighting outages against NIGHT incidents and every other factor against ALL incidents (two models). For riskSurface, left out means ALL.',
  })
  timeOfDay?: 'all' | 'day' | 'night';

  @Field(() => RiskExposureEnum, { defaultValue: 'residents', description: 'Exposure offset of the regression.' })
  exposure: 'residents' | 'area';

  @Field(() => Int, {
    nullable: true,
    description: 'Reach of proximity and density: grid rings around the cell, 0 to 3 (0 = the cell alone). Give this or proximityMeters; with neither, 150 m turned into rings (0 at resolution 9, 1 at 10).',
  })
  proximityRings?: number;

  @Field(() => Float, { nullable: true, description: 'Reach in metres, turned into rings: round(metres / spacing of cell centres at the resolution), 0 to 3. Give this or proximityRings.' })
  proximityMeters?: number;

  @Field(() => RiskModelFamilyEnum, { defaultValue: 'auto', description: 'Regression family.' })
  model: 'poisson' | 'negative_binomial' | 'auto';

  @Field(() => Float, { defaultValue: 1000, description: 'A cell is in a youth-facility gap when the estimated walking distance to the nearest facility exceeds this many metres (100 to 5000).' })
  youthGapMeters: number;

  @Field(() => [String], {
    nullable: true,
    description: 'Imported factor layers (risk_features, see riskFeatureLayers) to relate as factors `imported:<name>`, besides the built-in ones. Left out: every stored layer; []: none. An unknown name is refused.',
  })
  importedFactors?: string[];
}
