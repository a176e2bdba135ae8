/** The example queries the demo prints; docs/queries holds the same operations as files. */
import type { Role } from '../domain';

export interface ExampleQuery {
  title: string;
  query: string;
  /** the role the example needs; public when absent */
  role?: Role;
}

export const EXAMPLE_QUERIES: ExampleQuery[] = [
  {
    title: 'Posts by kind, with their district',
    query: '{ posts(filter: { kinds: [MODULAR_POST] }, first: 50) { totalCount nodes { name kind walkingRadiusM district { name } } } }',
  },
  {
    title: 'Districts with their area',
    query: '{ areas(filter: { kind: DISTRICT }) { nodes { id name nameRu areaKm2 attribution } } }',
  },
  {
    title: 'The public view: incidents per resolution-8 cell for one month, small counts suppressed',
    query:
      '{ hexagons(area: { bbox: [76.90, 43.22, 76.96, 43.26] }, resolution: 8, window: { from: "2026-09-01T00:00:00Z", to: "2026-10-01T00:00:00Z" }) { privacy { applied threshold suppressedCells } cells { h3 incidents suppressed } } }',
  },
  {
    title: 'Night-time street incidents of one month, with the nearest post (analysts: needs the bearer token)',
    role: 'analyst',
    query:
      '{ incidents(first: 5, filter: { window: { from: "2026-09-01T00:00:00Z", to: "2026-10-01T00:00:00Z" }, categories: [ROBBERY, ASSAULT] }) { totalCount nodes { occurredAt category geometry nearestPost { distanceM post { name kind } } } } }',
  },
];

/** The curl lines the demo prints; examples for a role carry `analystToken` when one is given. */
export function exampleQueriesText(url: string, analystToken: string | null = null): string {
  const lines = [`\nTry these (POST to ${url}, or open it in a browser for Apollo Sandbox):`];
  for (const example of EXAMPLE_QUERIES) {
    lines.push(`\n# ${example.title}`);
    const auth = example.role && analystToken ? ` -H 'authorization: Bearer ${analystToken}'` : '';
    lines.push(`curl -s ${url} -H 'content-type: application/json'${auth} -d '${JSON.stringify({ query: example.query })}'`);
  }
  return lines.join('\n');
}
