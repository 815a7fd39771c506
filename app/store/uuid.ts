/**
 * UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter, then 62 random bits.
 * The counter makes ids from one generator strictly increasing even within a millisecond or when
 * the clock steps back, so sorting feedback ids sorts acts in the order they happened.
 */
export function createUuidV7(): (ms: number) => string {
  let lastMs = -1;
  let counter = 0;
  return (ms) => {
    const random = crypto.getRandomValues(new Uint8Array(16));
    if (ms > lastMs) {
      lastMs = ms;
      // Start low in the counter's range, randomly, leaving room to count up within the millisecond.
      counter = random[6] & 0x3ff;
    } else if (counter < 0xfff) {
      counter += 1;
    } else {
      lastMs += 1;
      counter = 0;
    }
    const bytes = random;
    let time = lastMs;
    for (let i = 5; i >= 0; i -= 1) {
      bytes[i] = time % 256;
      time = Math.floor(time / 256);
    }
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8] & 0x3f);
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
