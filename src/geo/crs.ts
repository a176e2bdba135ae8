/**
 * Coordinate reference systems of imported files: projected coordinates (UTM, state plane, web
 * mercator) to WGS 84 longitude and latitude, through proj4. The definitions needed for Almaty
 * and the reference data sets are built in; any other EPSG code is given its proj4 definition
 * by the caller (the CLI reads it from PostGIS's `spatial_ref_sys`, src/db/crs.ts).
 */
import proj4 from 'proj4';

/** proj4 definitions of the systems known without a database. */
export const BUILT_IN_CRS: Readonly<Record<number, string>> = {
  4326: '+proj=longlat +datum=WGS84 +no_defs',
  3857: '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs',
  // WGS 84 / UTM zones 42N and 43N: Almaty lies in 43N (72-78 E); 42N covers the west of the oblast
  32642: '+proj=utm +zone=42 +datum=WGS84 +units=m +no_defs',
  32643: '+proj=utm +zone=43 +datum=WGS84 +units=m +no_defs',
  // NAD83 / Illinois East (ftUS): the x/y columns of Chicago's data portal
  3435: '+proj=tmerc +lat_0=36.66666666666666 +lon_0=-88.33333333333333 +k=0.9999749999999999 +x_0=300000.0000000001 +y_0=0 +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=us-ft +no_defs',
  // Pulkovo 1942 / Gauss-Krueger zone 13 (central meridian 75 E): older Kazakh survey plans
  28413: '+proj=tmerc +lat_0=0 +lon_0=75 +k=1 +x_0=13500000 +y_0=0 +ellps=krass +towgs84=23.92,-141.27,-80.9,0,0.35,0.82,-0.12 +units=m +no_defs',
};

/**
 * The EPSG code a CRS name stands for: `EPSG:32643`, `32643`, `urn:ogc:def:crs:EPSG::32643`,
 * `http://www.opengis.net/def/crs/EPSG/0/32643`; `CRS84` and `OGC:CRS84` are 4326. Null when
 * the text names no EPSG code.
 */
export function epsgCode(name: string): number | null {
  const text = name.trim();
  if (/^(urn:ogc:def:crs:)?OGC:(1\.3:)?CRS84$/i.test(text) || /^CRS84$/i.test(text) || /opengis\.net\/def\/crs\/OGC\/1\.3\/CRS84$/i.test(text)) return 4326;
  const match = /^(?:EPSG:+|urn:ogc:def:crs:EPSG:[^:]*:|https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/)?(\d{4,6})$/i.exec(text);
  return match ? Number(match[1]) : null;
}

/** x, y (easting, northing in the source CRS) -> [lng, lat] in WGS 84; null when not finite. */
export type ToWgs84 = (x: number, y: number) => [number, number] | null;

/** The conversion from a CRS (a proj4 definition) to WGS 84. Throws when proj4 cannot read it. */
export function toWgs84(definition: string): ToWgs84 {
  const converter = proj4(definition, BUILT_IN_CRS[4326]);
  return (x, y) => {
    if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
    const [lng, lat] = converter.forward([x, y]);
    return Number.isFinite(lng) && Number.isFinite(lat) ? [lng, lat] : null;
  };
}

/** Every position of a GeoJSON geometry's coordinates converted (a new array; null if any fails). */
export function convertCoordinates(coordinates: unknown, convert: ToWgs84): unknown {
  if (!Array.isArray(coordinates)) return coordinates;
  if (typeof coordinates[0] === 'number') {
    const result = convert(Number(coordinates[0]), Number(coordinates[1]));
    return result ?? [NaN, NaN];
  }
  return coordinates.map((c) => convertCoordinates(c, convert));
}

/** The conversion from WGS 84 [lng, lat] to a CRS (a proj4 definition): the inverse of `toWgs84`, for answers in that CRS. */
export function fromWgs84(definition: string): ToWgs84 {
  const converter = proj4(BUILT_IN_CRS[4326], definition);
  return (lng, lat) => {
    if (!Number.isFinite(lng) || !Number.isFinite(lat)) return null;
    const [x, y] = converter.forward([lng, lat]);
    return Number.isFinite(x) && Number.isFinite(y) ? [x, y] : null;
  };
}
