import type { Recognition } from './types.ts';

/**
 * ImageNet classes whose pictures are mostly printed text or digits. The base models cannot read,
 * but the classifier saying one of these is the cheapest hint that a photo carries text worth
 * reading, before any OCR model is on the device.
 */
export const textBearingTags: ReadonlySet<string> = new Set(
  [
    // Printed matter and screens.
    'web-site', 'menu', 'book-jacket', 'comic-book', 'crossword-puzzle', 'envelope', 'binder', 'monitor', 'screen-crt',
    // Signs, plaques and shop fronts.
    'street-sign', 'scoreboard', 'brass-plaque', 'bookshop', 'barbershop', 'tobacco-shop', 'toyshop', 'confectionery',
    // Digits on a display.
    'digital-clock', 'odometer', 'parking-meter', 'cash-machine', 'vending-machine', 'slot-machine', 'pay-phone',
    // Packaging and labelled products (drink bottles are left out: they stand in many scenes, labels unreadable).
    'packet', 'carton', 'hard-disc', 'pill-bottle', 'lotion', 'sunscreen', 'hair-spray', 'perfume',
  ].map((slug) => `imagenet:${slug}`),
);

/** A text-bearing class this likely is evidence enough; the app lists tags down to the same score. */
const MIN_TEXT_SCORE = 0.1;

/**
 * Long side over short side from which a picture is a strip: a cropped line of text or a
 * screenshot of one. Cameras shoot 4:3 to 16:9 (1.78) and phone screens reach about 2.2.
 */
const STRIP_RATIO = 3;

/**
 * Whether a photo seems to carry text, from its base recognition alone: a text-bearing class
 * scores at least 0.1, or the picture is a strip. Measured on the built bundle (README): most
 * of the ocr-zh set, few COCO photos.
 */
export function looksTextHeavy({ tags, width, height }: Pick<Recognition, 'tags' | 'width' | 'height'>): boolean {
  if (tags.some((tag) => textBearingTags.has(tag.id) && tag.score >= MIN_TEXT_SCORE)) return true;
  const [long, short] = width >= height ? [width, height] : [height, width];
  return short > 0 && long / short >= STRIP_RATIO;
}
