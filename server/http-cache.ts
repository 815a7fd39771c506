/** Content-addressed or hashed-name files never change under their URL. */
export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
/** Entry points (index.html, sw.js, the current manifest) must be revalidated on every load. */
export const CACHE_REVALIDATE = 'no-cache';

/** Whether an If-None-Match header names `etag` (weak comparison, as RFC 9110 wants for GET). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
