/**
 * Walking reach along a hand-made street grid in Almaty whose answers can be worked out on
 * paper: streets every 100 m, a post at a crossing, a 250 m walk.
 */
import { haversineDistanceMeters, straightLineReachCells } from '../../../../src/geo/coverage/straightLineReach';
import { nearestAlongStreets, StreetNetwork, networkReachCells, type LngLat, type NetworkEdgeInput } from '../../../../src/geo/coverage/streetNetwork';
import { cellCentre } from '../../../../src/geo/h3';

const ORIGIN = { lat: 43.24, lng: 76.95 };
const M_PER_DEG_LAT = 111_194.93; // mean Earth radius * pi / 180
const M_PER_DEG_LNG = M_PER_DEG_LAT * Math.cos(ORIGIN.lat * (Math.PI / 180));
const SIZE = 7;
const SPACING = 100;

/** Position of grid node (i east, j north), 100 m apart. */
function node(i: number, j: number): LngLat {
  return [ORIGIN.lng + (i * SPACING) / M_PER_DEG_LNG, ORIGIN.lat + (j * SPACING) / M_PER_DEG_LAT];
}

const id = (i: number, j: number): number => j * SIZE + i;

/** Every block side of a 7 x 7 grid, 100 m long, except the links listed as missing. */
function grid(missing: [number, number, number, number][] = []): NetworkEdgeInput[] {
  const edges: NetworkEdgeInput[] = [];
  const isMissing = (a: number, b: number, c: number, d: number) => missing.some(([i1, j1, i2, j2]) => (i1 === a && j1 === b && i2 === c && j2 === d) || (i1 === c && j1 === d && i2 === a && j2 === b));
  for (let j = 0; j < SIZE; j++) {
    for (let i = 0; i < SIZE; i++) {
      if (i + 1 < SIZE && !isMissing(i, j, i + 1, j)) edges.push({ source: id(i, j), target: id(i + 1, j), lengthM: SPACING, coordinates: [node(i, j), node(i + 1, j)] });
      if (j + 1 < SIZE && !isMissing(i, j, i, j + 1)) edges.push({ source: id(i, j), target: id(i, j + 1), lengthM: SPACING, coordinates: [node(i, j), node(i, j + 1)] });
    }
  }
  return edges;
}

function lineLength(line: LngLat[]): number {
  let sum = 0;
  for (let k = 1; k < line.length; k++) sum += haversineDistanceMeters({ lng: line[k - 1][0], lat: line[k - 1][1] }, { lng: line[k][0], lat: line[k][1] });
  return sum;
}

const at = ([lng, lat]: LngLat) => ({ lng, lat });

describe('street network on a 100 m grid', () => {
  const network = new StreetNetwork(grid());
  const centre = network.snap(at(node(3, 3)), 100)!;

  it('snaps a crossing onto the street with no access leg, and a point beside a street with its perpendicular leg', () => {
    expect(centre.accessM).toBeLessThan(0.01);
    const beside = node(3.5, 3.3); // 30 m north of the middle of the block side (3,3)-(4,3)
    const snap = network.snap(at(beside), 100)!;
    expect(snap.accessM).toBeCloseTo(30, 0);
    const snapped = snap.point;
    expect(haversineDistanceMeters(at(snapped), at(node(3.5, 3)))).toBeLessThan(0.1);
    // 45 m from every street: nothing within 40 m
    expect(network.snap(at(node(3.5, 3.45)), 40)).toBeNull();
  });

  it('reaches exactly the crossings within 250 m of walking: Manhattan distance <= 2 blocks (13 crossings)', () => {
    const reach = network.reach(centre, 250);
    const reached = [...reach.vertexDistances.entries()];
    expect(reached).toHaveLength(13);
    for (const [, d] of reached) expect([0, 100, 200].some((v) => Math.abs(v - d) < 1e-6)).toBe(true);
    expect(reached.filter(([, d]) => Math.abs(d - 200) < 1e-6)).toHaveLength(8);
  });

  it('reaches 2600 m of street: 16 whole blocks sides and 20 stubs of 50 m', () => {
    const reach = network.reach(centre, 250);
    const lines = network.reachedLines(reach);
    const total = lines.reduce((s, l) => s + lineLength(l), 0);
    // lengths of lines are geodesic; the grid's sides are 100 m to within rounding of the projection
    expect(total).toBeGreaterThan(2600 * 0.995);
    expect(total).toBeLessThan(2600 * 1.005);
  });

  it('walks around a missing link: with the east side of the centre gone, the crossing 100 m east is 300 m away', () => {
    const cut = new StreetNetwork(grid([[3, 3, 4, 3]]));
    const snap = cut.snap(at(node(3, 3)), 100)!;
    const reach = cut.reach(snap, 250);
    expect(reach.vertexDistances.size).toBe(13 - 2); // (4,3) and (5,3) are lost: (4,3) is 300 m away by the detour
    const far = cut.reach(snap, 350);
    const east = cut.snap(at(node(4, 3)), 10)!;
    expect(cut.streetDistance(far, east)).toBeCloseTo(300, 6);
  });

  it('counts the access legs toward the radius', () => {
    const reach = network.reach(centre, 500);
    const place = network.snap(at(node(3, 5.3)), 100)!; // on the street north of the centre, 230 m along it
    expect(network.walkingDistance(reach, place)).toBeCloseTo(230, 0);
    const side = network.snap(at(node(4.5, 5.3)), 100)!; // 30 m north of the middle of (4,5)-(5,5)
    expect(side.accessM).toBeCloseTo(30, 0);
    expect(network.walkingDistance(reach, side)).toBeCloseTo(100 + 200 + 50 + 30, 0);
  });

  it('a parallel street with no link is unreachable even when 60 m away in a straight line', () => {
    const two = new StreetNetwork([
      { source: 1, target: 2, lengthM: 600, coordinates: [node(0, 0), node(6, 0)] },
      { source: 3, target: 4, lengthM: 600, coordinates: [node(0, 0.6), node(6, 0.6)] },
    ]);
    const post = two.snap(at(node(3, 0)), 100)!;
    const reach = two.reach(post, 500);
    const across = two.snap(at(node(3, 0.6)), 10)!;
    expect(two.walkingDistance(reach, across)).toBe(Infinity);
    // along its own street the post reaches 300 m each way to the ends (500 m budget)
    expect(two.streetDistance(reach, two.snap(at(node(6, 0)), 10)!)).toBeCloseTo(300, 6);
  });

  it('marks a cell reached only when its centre is within the radius along streets, never beyond the straight-line circle', () => {
    const reached = networkReachCells(network, at(node(3, 3)), 250, 11, 100);
    expect(reached.cells.length).toBeGreaterThan(0);
    reached.cells.forEach((cell, k) => {
      const [lng, lat] = cellCentre(cell);
      const straight = haversineDistanceMeters({ lng, lat }, at(node(3, 3)));
      expect(straight).toBeLessThanOrEqual(250 + 1e-6);
      expect(reached.distancesM[k]).toBeGreaterThanOrEqual(straight - 0.5);
      expect(reached.distancesM[k]).toBeLessThanOrEqual(250);
      // on a grid, walking is at least the Manhattan distance of the centre's street point
      const snap = network.snap({ lng, lat }, 100)!;
      const dx = Math.abs(snap.point[0] - node(3, 3)[0]) * M_PER_DEG_LNG;
      const dy = Math.abs(snap.point[1] - node(3, 3)[1]) * M_PER_DEG_LAT;
      expect(reached.distancesM[k]).toBeCloseTo(dx + dy + snap.accessM, 0);
    });
    // the circle of the same radius holds every reached cell and more: the corners between the streets
    const circle = new Set(straightLineReachCells(at(node(3, 3)), 250, 11, 1).cells);
    for (const cell of reached.cells) expect(circle.has(cell)).toBe(true);
    expect(circle.size).toBeGreaterThan(reached.cells.length * 1.3);
  });

  it('reaches nothing from a place farther than the access distance from every street', () => {
    const offNetwork = networkReachCells(network, at(node(3, 20)), 500, 11, 100);
    expect(offNetwork.originSnap).toBeNull();
    expect(offNetwork.cells).toEqual([]);
  });
});

describe('nearestAlongStreets on a 100 m grid with a missing link', () => {
  // the east side of the centre crossing is gone: (4,3) is 300 m from (3,3) along the streets, 100 m as the crow flies
  const cut = new StreetNetwork(grid([[3, 3, 4, 3]]));
  const sources = [
    { id: 'centre', place: at(node(3, 3)), radiusM: 250 },
    { id: 'north-east', place: at(node(6, 6)), radiusM: 450 },
  ];

  it('finds the nearest source by walking, not by straight line, and whose radius reaches the target', () => {
    const [east, corner, far] = nearestAlongStreets(cut, sources, [at(node(4, 3)), at(node(5, 5.3)), at(node(0, 0))], { searchM: 1000, accessM: 100 });
    // (4,3): 300 m from the centre (around the block), 500 m from (6,6): the centre is nearest, and neither radius reaches it
    expect(east).toMatchObject({ id: 'centre', withinRadius: false });
    expect(east!.walkingM).toBeCloseTo(300, 6);
    // 30 m north of (5,5) on the street to (5,6): 100 + 70 m from (6,6), 430 m from the centre
    expect(corner!.id).toBe('north-east');
    expect(corner!.walkingM).toBeCloseTo(170, 0);
    expect(corner!.withinRadius).toBe(true);
    // (0,0): 600 m from the centre, 1200 m from (6,6): only the centre within the 1000 m search
    expect(far).toMatchObject({ id: 'centre', withinRadius: false });
    expect(far!.walkingM).toBeCloseTo(600, 6);
  });

  it('gives null for a place off the network or beyond the search from every source', () => {
    const [off, beyond] = nearestAlongStreets(cut, sources, [at(node(3.5, 3.45)), at(node(0, 0))], { searchM: 400, accessM: 40 });
    expect(off).toBeNull();
    expect(beyond).toBeNull();
  });

  it('marks a target within reach when a farther source reaches it within its own radius', () => {
    const [target] = nearestAlongStreets(
      cut,
      [
        { id: 'near-small', place: at(node(2, 2)), radiusM: 50 },
        { id: 'far-large', place: at(node(4, 2)), radiusM: 500 },
      ],
      [at(node(2.6, 2))],
      { searchM: 1000, accessM: 100 },
    );
    // 60 m from the nearer source (beyond its 50 m), 140 m from the farther one (within its 500 m)
    expect(target).toMatchObject({ id: 'near-small', withinRadius: true });
    expect(target!.walkingM).toBeCloseTo(60, 6);
  });
});
