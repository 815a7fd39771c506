import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Bearer tokens: random, shown once, kept only as a sha256 so a leaked database grants nothing. */

/** 32 random bytes, base64url: 256 bits, safe in a header without escaping. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** sha256 (hex) of a token, the only form the server stores and looks up. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Whether `token` hashes to `expectedHash`, in time that does not depend on where they differ. */
export function tokenMatches(token: string, expectedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
