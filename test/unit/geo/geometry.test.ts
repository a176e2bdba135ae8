/** Metres and degrees (src/geo/geometry.ts): the one conversion, in its three named models. */
import { growEnvelope, MEAN_EARTH_RADIUS_METERS, metresPerDegree } from '../../../src/geo/geometry';
import { haversineDistanceMeters } from '../../../src/geo/coverage';

const ALMATY_LAT = 43.25;

describe('metresPerDegree', () => {
  it("'sphere' agrees with haversine distances on the mean-radius sphere", () => {
    const scale = metresPerDegree(ALMATY_LAT);
    expect(scale.lat).toBe(MEAN_EARTH_RADIUS_METERS * (Math.PI / 180));
    // a small step east at Almaty's latitude: the plane scale and the great circle agree closely
    const east = haversineDistanceMeters({ lat: ALMATY_LAT, lng: 76.95 }, { lat: ALMATY_LAT, lng: 76.951 });
    expect(scale.lng * 0.001).toBeCloseTo(east, 4);
    const north = haversineDistanceMeters({ lat: ALMATY_LAT, lng: 76.95 }, { lat: ALMATY_LAT + 0.001, lng: 76.95 });
    expect(scale.lat * 0.001).toBeCloseTo(north, 6);
  });

  it("'wgs84' gives the ellipsoid's degree at Almaty (about 111,099 m of latitude, 81,150 m of longitude)", () => {
    const scale = metresPerDegree(ALMATY_LAT, 'wgs84');
    expect(scale.lat).toBeCloseTo(111_132.954 - 559.822 * Math.cos((2 * ALMATY_LAT * Math.PI) / 180), 9);
    expect(scale.lat).toBeCloseTo(111_099, 0);
    expect(scale.lng).toBeCloseTo(81_150, 0);
  });

  it("'searchMargin' is shorter than the true degree at Almaty on either model, so grown boxes are never short", () => {
    const margin = metresPerDegree(ALMATY_LAT, 'searchMargin');
    expect(margin.lat).toBe(111_000);
    for (const model of ['sphere', 'wgs84'] as const) {
      expect(margin.lat).toBeLessThan(metresPerDegree(ALMATY_LAT, model).lat);
      expect(margin.lng).toBeLessThan(metresPerDegree(ALMATY_LAT, model).lng);
    }
  });
});

describe('growEnvelope', () => {
  it('grows a box by the distance on every side (pinned: the values before it moved to src/geo)', () => {
    expect(growEnvelope([76.9, 43.2, 77.0, 43.3], 2500)).toEqual([76.86907822599498, 43.17747747747748, 77.03092177400502, 43.32252252252252]);
  });

  it('reaches at least the distance, measured on the sphere', () => {
    const [minLng, minLat, maxLng, maxLat] = growEnvelope([76.95, 43.25, 76.95, 43.25], 1000);
    expect(haversineDistanceMeters({ lat: 43.25, lng: 76.95 }, { lat: maxLat, lng: 76.95 })).toBeGreaterThanOrEqual(1000);
    expect(haversineDistanceMeters({ lat: 43.25, lng: 76.95 }, { lat: minLat, lng: 76.95 })).toBeGreaterThanOrEqual(1000);
    expect(haversineDistanceMeters({ lat: 43.25, lng: 76.95 }, { lat: 43.25, lng: maxLng })).toBeGreaterThanOrEqual(1000);
    expect(haversineDistanceMeters({ lat: 43.25, lng: 76.95 }, { lat: 43.25, lng: minLng })).toBeGreaterThanOrEqual(1000);
  });
});
