/** What the store benchmark page exposes as `window.wanwuStoreBench`; Node drives it through Playwright. */
export interface StoreBenchApi {
  /** Adds `count` generated photos through the real store (photo, recognition, some feedback). */
  seed(count: number): Promise<SeedResult>;
  /** Times `count` single feedback writes (`recordFeedback`) on seeded photos, in ms each. */
  writeFeedback(count: number): Promise<number[]>;
}

export interface SeedResult {
  /** Photos in the store after seeding. */
  photos: number;
  ms: number;
  /** Bytes of one generated photo and thumbnail. */
  imageBytes: number;
  thumbnailBytes: number;
}

declare global {
  interface Window {
    wanwuStoreBench: StoreBenchApi;
  }
}
