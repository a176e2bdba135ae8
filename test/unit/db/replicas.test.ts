/** The replica lag rule and the DATABASE_READ_* settings (the replicas themselves: test/integration/replica.test.ts). */
import { ConfigError, loadConfig, parseReadUrls } from '../../../src/config';
import { lsnValue, replicaLagMs, serverName } from '../../../src/db/replicas';

describe('WAL positions', () => {
  it('orders positions across the 32-bit boundary of their halves', () => {
    expect(lsnValue('0/0')).toBe(0n);
    expect(lsnValue('16/B374D848')).toBe((0x16n << 32n) | 0xb374d848n);
    expect(lsnValue('1/0') > lsnValue('0/FFFFFFFF')).toBe(true);
    expect(() => lsnValue('nonsense')).toThrow(/not a WAL position/);
  });
});

describe('replica lag', () => {
  const samples = [
    { at: 1000, lsn: 100n },
    { at: 2000, lsn: 200n },
    { at: 3000, lsn: 300n },
  ];

  it('is 0 when the replica has replayed the newest sample of the primary', () => {
    expect(replicaLagMs(samples, 300n, 3010)).toBe(0);
    expect(replicaLagMs(samples, 350n, 3010)).toBe(0);
  });

  it('is the age of the newest sample it has replayed: it holds every commit the primary had made by then', () => {
    expect(replicaLagMs(samples, 299n, 3010)).toBe(1010);
    expect(replicaLagMs(samples, 100n, 3500)).toBe(2500);
  });

  it('is at least the age of the oldest sample when it has replayed none, and unknown without samples', () => {
    expect(replicaLagMs(samples, 50n, 3500)).toBe(2500);
    expect(replicaLagMs([], 50n, 3500)).toBeNull();
  });
});

describe('DATABASE_READ_URLS', () => {
  it('is a comma-separated list of postgres URLs; empty means reads go to the primary', () => {
    expect(parseReadUrls(undefined)).toEqual([]);
    expect(parseReadUrls(' ')).toEqual([]);
    expect(parseReadUrls('postgres://ro@10.0.0.2:5432/hotspots, postgresql://ro@10.0.0.3/hotspots')).toEqual(['postgres://ro@10.0.0.2:5432/hotspots', 'postgresql://ro@10.0.0.3/hotspots']);
    expect(() => parseReadUrls('mysql://10.0.0.2/hotspots')).toThrow(ConfigError);
    expect(() => parseReadUrls('postgres://ro:secret@10.0.0.2/x,not a url')).toThrow(/"not a url" is not a URL/);
  });

  it('never shows a password in an error or a log name', () => {
    expect(() => parseReadUrls('postgres://ro:secret@[bad')).toThrow(/postgres:\/\/…@\[bad/);
    expect(serverName('postgres://ro:secret@10.0.0.2:6432/hotspots')).toBe('10.0.0.2:6432/hotspots');
    expect(serverName('postgres://ro@replica.local/hotspots')).toBe('replica.local:5432/hotspots');
  });

  it('loads with its lag limit and check interval', () => {
    const config = loadConfig({ DATABASE_READ_URLS: 'postgres://ro@10.0.0.2/hotspots', DATABASE_READ_MAX_LAG_MS: '2000', DATABASE_READ_CHECK_MS: '250' });
    expect(config.readReplicas).toEqual({ urls: ['postgres://ro@10.0.0.2/hotspots'], maxLagMs: 2000, checkIntervalMs: 250 });
    expect(loadConfig({}).readReplicas).toEqual({ urls: [], maxLagMs: 5000, checkIntervalMs: 1000 });
    expect(() => loadConfig({ DATABASE_READ_CHECK_MS: '0' })).toThrow(/DATABASE_READ_CHECK_MS/);
  });
});
