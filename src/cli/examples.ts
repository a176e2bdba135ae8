/** The example queries the demo prints; docs/queries holds the same operations as files. */
export const EXAMPLE_QUERIES: { title: string; query: string }[] = [
  {
    title: 'Posts by kind, with their district',
    query: '{ posts(filter: { kinds: [MODULAR_POST] }, first: 50) { totalCount nodes { name kind walkingRadiusM district { name } } } }',
  },
  {
    title: 'Districts with their area',
    query: '{ areas(filter: { kind: DISTRICT }) { nodes { id name nameRu areaKm2 attribution } } }',
  },
  {
    title: 'Night-time street incidents of one month, with the nearest post',
    query:
      '{ incidents(first: 5, filter: { window: { from: "2026-09-01T00:00:00Z", to: "2026-10-01T00:00:00Z" }, categories: [ROBBERY, ASSAULT] }) { totalCount nodes { occurredAt category geometry nearestPost { distanceM post { name kind } } } } }',
  },
];

export function exampleQueriesText(url: string): string {
  const lines = [`\nTry these (POST to ${url}, or open it in a browser for Apollo Sandbox):`];
  for (const example of EXAMPLE_QUERIES) {
    lines.push(`\n# ${example.title}`);
    lines.push(`curl -s ${url} -H 'content-type: application/json' -d '${JSON.stringify({ query: example.query })}'`);
  }
  return lines.join('\n');
}
