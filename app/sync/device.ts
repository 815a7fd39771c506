import { DeviceRegistrationSchema, type DeviceRegistration } from '../../server/contract/sync.ts';
import type { WanwuDatabase } from '../store/schema.ts';
import type { Answer, SyncApi } from './sync-api.ts';

/** This device's registration with the server: made once, kept in `settings`, made again when the server forgets it. */

const DEVICE_KEY = 'sync-device';

export async function savedDevice(db: WanwuDatabase): Promise<DeviceRegistration | undefined> {
  const saved = DeviceRegistrationSchema.safeParse((await db.settings.get(DEVICE_KEY))?.value);
  return saved.success ? saved.data : undefined;
}

/**
 * Runs requests with this device's token, registering first when there is none. A 401 means the
 * server lost us (a new database, a revoked token): register again and repeat the request, once
 * per session, so that nothing queued is dropped.
 */
export function deviceSession(db: WanwuDatabase, api: SyncApi) {
  let renewed = false;
  async function token(): Promise<Answer<string>> {
    const saved = await savedDevice(db);
    if (saved) return { ok: true, body: saved.token };
    const registered = await api.register();
    if (!registered.ok) return registered;
    await db.settings.put({ key: DEVICE_KEY, value: registered.body });
    return { ok: true, body: registered.body.token };
  }
  return async function authorized<T>(request: (token: string) => Promise<Answer<T>>): Promise<Answer<T>> {
    const bearer = await token();
    if (!bearer.ok) return bearer;
    const answer = await request(bearer.body);
    if (answer.ok || answer.failure.code !== 'unauthorized' || renewed) return answer;
    renewed = true;
    await db.settings.delete(DEVICE_KEY);
    return authorized(request);
  };
}

export type Authorized = ReturnType<typeof deviceSession>;
