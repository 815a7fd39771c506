import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from './route.ts';

describe('parseRoute', () => {
  it('reads the screens from the hash', () => {
    expect(parseRoute('#/history')).toBe('history');
    expect(parseRoute('#/settings')).toBe('settings');
    expect(parseRoute('#/admin')).toBe('admin');
    expect(parseRoute('#history')).toBe('history');
    expect(parseRoute('#/history/')).toBe('history');
  });

  it('falls back to the camera for no hash or one it does not know', () => {
    expect(parseRoute('')).toBe('camera');
    expect(parseRoute('#/')).toBe('camera');
    expect(parseRoute('#/photos')).toBe('camera');
  });

  it('reads back every hash it writes', () => {
    for (const [route, hash] of Object.entries(routeHash)) expect(parseRoute(hash)).toBe(route);
  });
});
