/** Walking reach: the arguments every coverage query shares, how reach was computed, and postReach's service area of a post. */
import { ArgsType, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { Geometry } from '../../domain';
import { DEFAULT_ACCESS_M } from '../../geo/coverage/streetNetwork';
import { AreaInput } from '../inputs';
import { GeoJSONScalar } from '../scalars';
import { ReachMethodEnum, type ReachMethodChoice } from './enums';

@ArgsType()
export class ReachArgs {
  @Field(() => Float, { nullable: true, description: "Walking radius in metres (above 0, at most 5000); default: each post's own walking radius." })
  radius?: number;

  @Field(() => ReachMethodEnum, { defaultValue: 'auto', description: 'How walking reach is computed.' })
  method: ReachMethodChoice;

  @Field(() => Float, { defaultValue: 1.3, description: 'Detour factor f (1 to 3) of the straight-line method: reach is a circle of radius / f.' })
  detourFactor: number;

  @Field(() => Float, { defaultValue: DEFAULT_ACCESS_M, description: 'Network method: the longest straight leg (metres, 0 to 500) between a place and its nearest street; the leg counts toward the radius.' })
  accessDistance: number;
}

@ArgsType()
export class PostReachArgs extends ReachArgs {
  @Field(() => ID, { nullable: true, description: 'One post; give this or area.' })
  postId?: string;

  @Field(() => AreaInput, { nullable: true, description: 'Every post in the area; give this or postId.' })
  area?: AreaInput;
}

@ObjectType({ description: 'How walking reach was computed.' })
export class ReachMethodUsed {
  @Field({ description: 'network or straightLine.' })
  method: string;

  @Field(() => Float, { nullable: true, description: "Walking radius in metres; null when each post's own radius was used." })
  radiusM: number | null;

  @Field(() => Float, { nullable: true, description: 'Detour factor of the straight-line method; null for the network method.' })
  detourFactor: number | null;

  @Field(() => Float, { nullable: true, description: 'Longest access leg to the street (network method); null for the straight-line method.' })
  accessDistanceM: number | null;

  @Field({ description: 'The method in words, with its parameters and conventions.' })
  description: string;
}

@ObjectType({ description: 'Walking reach of one post: its service area.' })
export class PostReach {
  @Field(() => ID, { description: 'Post id.' })
  postId: string;

  @Field(() => String, { nullable: true, description: 'Post name.' })
  name: string | null;

  @Field({ description: 'Post kind.' })
  kind: string;

  @Field(() => ReachMethodUsed, { description: 'Reach method and parameters.' })
  reach: ReachMethodUsed;

  @Field(() => Float, { description: 'Walking radius used, metres.' })
  radiusM: number;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'Service area: network method, reached street parts grown by the access distance; straight line, the circle of radius / f. Null when nothing is reached.' })
  serviceArea: Geometry | null;

  @Field(() => Float, { nullable: true, description: 'Network method: length of street within reach, metres.' })
  reachedStreetM: number | null;

  @Field(() => Float, { nullable: true, description: 'Network method: straight leg from the post to its nearest street, metres.' })
  accessLegM: number | null;

  @Field(() => Int, { description: 'Resolution-11 cells whose centre is within reach.' })
  reachedCellCount: number;
}
