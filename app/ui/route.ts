/** The screens the address can name; the hash keeps them across reloads and in the back button. */
export type Route = 'camera' | 'history' | 'settings' | 'admin';

export const routeHash: Readonly<Record<Route, string>> = { camera: '#/', history: '#/history', settings: '#/settings', admin: '#/admin' };

/** `#/history` → history, `#/settings` → settings, `#/admin` → admin, anything else (no hash, an old link) → the camera. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  return path === 'history' || path === 'settings' || path === 'admin' ? path : 'camera';
}
