import { ConfigError } from '../config-error.ts';
import type { Repository } from '../storage/repository.ts';
import { hashToken, newToken } from './tokens.ts';

/** Repository setting holding the generated admin token's sha256. */
export const ADMIN_TOKEN_SETTING = 'admin-token-sha256';

/** A chosen admin token shorter than this is refused: it would be guessable. */
const MIN_ADMIN_TOKEN = 16;

/** `WANWU_ADMIN_TOKEN` when set, refused when too short to be safe; undefined when unset. */
export function chosenAdminToken(fromEnv: string | undefined): string | undefined {
  if (fromEnv === undefined || fromEnv === '') return undefined;
  if (fromEnv.length < MIN_ADMIN_TOKEN) throw new ConfigError(`WANWU_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN} characters (it has ${fromEnv.length}); unset it to have one generated`);
  return fromEnv;
}

/**
 * The admin token's hash. A `chosen` token wins (nothing is stored then); otherwise the token
 * generated at the first start, whose hash the repository keeps. A new token is handed to
 * `announce` exactly once, at creation: the server cannot show it again, only its hash exists.
 */
export async function adminTokenHash(repository: Repository, chosen: string | undefined, announce: (token: string) => void): Promise<string> {
  if (chosen !== undefined) return hashToken(chosen);
  const stored = await repository.setting(ADMIN_TOKEN_SETTING);
  if (stored) return stored;
  const token = newToken();
  const hash = hashToken(token);
  await repository.setSetting(ADMIN_TOKEN_SETTING, hash);
  announce(token);
  return hash;
}
