/**
 * Every type, field, argument, input field and enum value of the API carries a description,
 * so the API can be learnt from its own documentation (GraphiQL, Apollo Sandbox, schema.graphql).
 */
import 'reflect-metadata';
import { GraphQLSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isIntrospectionType, isSpecifiedScalarType } from 'graphql';
import { buildApiSchema } from '../../../src/graphql/build';

export function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const check = (path: string, description: string | null | undefined) => {
    if (!description || description.trim().length < 3) missing.push(path);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) check(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing;
}

it('describes every type, field, argument, input field and enum value', async () => {
  expect(undescribed(await buildApiSchema())).toEqual([]);
});
