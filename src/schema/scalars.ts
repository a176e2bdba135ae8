import { GraphQLError, GraphQLScalarType, Kind, ValueNode } from 'graphql';

function literalToValue(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.LIST:
      return ast.values.map(literalToValue);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literalToValue(f.value)]));
    case Kind.NULL:
      return null;
    default:
      throw new GraphQLError('GeoJSON must be given as an object, preferably through a variable', { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

/**
 * A GeoJSON geometry ([lng, lat], EPSG:4326). Shape, bounds and validity are checked by the
 * resolvers, which know the field's name and can say which argument was wrong.
 */
export const GeoJSONScalar = new GraphQLScalarType({
  name: 'GeoJSON',
  description: 'A GeoJSON geometry object (RFC 7946), coordinates [longitude, latitude] in EPSG:4326.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToValue,
});

/** A whole GeoJSON document (e.g. a FeatureCollection) in one field. */
export const GeoJSONDocumentScalar = new GraphQLScalarType({
  name: 'GeoJSONDocument',
  description: 'A whole GeoJSON object such as a FeatureCollection, for dashboards that want one blob.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToValue,
});
