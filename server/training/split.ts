import type { Split } from './types.ts';

/**
 * Which part of the data a photo is in, from a hash of its id alone: the same photo lands in the same
 * part in every run, on every server, for ever, so a held-out photo never leaks into training and
 * the gate always compares models on photos neither saw. `calibration` is not used: data is scarce,
 * so thresholds are calibrated on out-of-fold scores of the train photos instead (./train.ts).
 */

export const HELD_OUT_SHARE = 0.2;

export function splitOf(photoId: string): Split {
  return hashUnit(photoId) < HELD_OUT_SHARE ? 'heldOut' : 'train';
}

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser to spread it: a number in [0, 1). */
function hashUnit(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) / 4294967296;
}
