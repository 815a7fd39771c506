import type { ModelSession, Tensor } from '../backend.ts';
import type { DecodedImage } from '../image.ts';
import type { OcrEntry } from '../manifest.ts';
import { ctcDecode } from './ctc.ts';
import { dbBoxes } from './db-boxes.ts';
import { mapQuad, orderCorners, quadSize, type Point, type Quad } from './quad.ts';
import { isVertical, readingOrder } from './reading-order.ts';
import { uprightImage, warpQuad, type UprightImage } from './warp.ts';

/** The three OCR models as sessions, and the recogniser's classes (see ctcClasses). */
export interface OcrSessions {
  detector: ModelSession;
  recognizer: ModelSession;
  direction: ModelSession;
  classes: readonly string[];
}

/** A decoded photo: its pixels as stored, the EXIF orientation, and its upright size in photo pixels. */
export interface OcrPhoto {
  image: DecodedImage;
  orientation: number;
  width: number;
  height: number;
}

export interface TextLine {
  text: string;
  /** Mean probability of the line's characters. */
  score: number;
  /** Corners on the upright photo, in photo pixels: top-left, top-right, bottom-right, bottom-left. */
  box: Quad;
}

export interface ReadTextOptions {
  /** Keep lines scoring at least this (default: the manifest's recognizer.minScore). */
  minScore?: number;
}

/** Lines recognised per model run (PaddleOCR's rec_batch_num), grouped by similar width. */
const RECOGNIZER_BATCH = 6;

/** The text in a photo, line by line in reading order. */
export async function readText(photo: OcrPhoto, sessions: OcrSessions, entry: OcrEntry, options: ReadTextOptions = {}): Promise<TextLine[]> {
  const image = uprightImage(photo.image, photo.orientation);
  const quads = await detectLines(image, sessions.detector, entry.detector);
  const upright = await orientLines(image, quads, sessions.direction, entry.direction);
  const read = await readLines(image, upright, sessions, entry.recognizer);
  const minScore = options.minScore ?? entry.recognizer.minScore;
  const scaleX = photo.width / image.width;
  const scaleY = photo.height / image.height;
  const lines = upright.flatMap(({ quad }, i): TextLine[] => {
    const { text, score } = read[i];
    if (text.trim() === '' || score < minScore) return [];
    return [{ text, score, box: mapQuad(quad, ([x, y]) => [x * scaleX, y * scaleY]) }];
  });
  return readingOrder(lines, (line) => line.box);
}

/** Text boxes on the upright decoded photo, from the detector run on the photo with a blank margin. */
async function detectLines(image: UprightImage, session: ModelSession, entry: OcrEntry['detector']): Promise<Quad[]> {
  const margin = detectorMargin(image.width, image.height);
  const padded = { width: image.width + 2 * margin, height: image.height + 2 * margin };
  const ratio = Math.min(1, entry.limitSideLen / Math.max(padded.width, padded.height));
  const round = (side: number) => Math.max(entry.multiple, Math.round((side * ratio) / entry.multiple) * entry.multiple);
  const width = round(padded.width);
  const height = round(padded.height);
  const frame: Quad = [[-margin, -margin], [image.width + margin, -margin], [image.width + margin, image.height + margin], [-margin, image.height + margin]];
  const data = warpQuad(image, frame, { width, height, stride: width }, entry.normalise, borderColour(image));
  const map = (await run(session, entry.input, entry.output, { data, dims: [1, 3, height, width] })).data;
  const toImage = ([x, y]: Point): Point => [
    clamp((x * padded.width) / width - margin, image.width),
    clamp((y * padded.height) / height - margin, image.height),
  ];
  return dbBoxes(map, width, height, entry)
    .map(({ quad }) => orderCorners(quad.map(toImage)))
    .filter((quad) => {
      const { width: w, height: h } = quadSize(quad);
      return w > 3 && h > 3;
    });
}

/**
 * The blank border added around the photo before detection. DB finds a text region by its
 * outline, so a word cropped to its edges has none without one: 0.3 of the shorter side (about a
 * third of a line's height for a cropped line), at most 0.1 of the longer one, so a large photo
 * does not give up detector resolution to the border.
 */
export function detectorMargin(width: number, height: number): number {
  return Math.round(Math.min(0.3 * Math.min(width, height), 0.1 * Math.max(width, height)));
}

interface OrientedLine {
  /** The box on the photo, top-left first as the photo stands. */
  quad: Quad;
  /** The same corners starting where the text starts: turned a quarter for columns. */
  reading: Quad;
  /** The reading turned over, when the direction classifier says the line is upside down. */
  turned?: Quad;
}

/** Columns are turned a quarter to read as rows; lines the classifier sees upside down get their turned-over reading. */
async function orientLines(image: UprightImage, quads: Quad[], session: ModelSession, entry: OcrEntry['direction']): Promise<OrientedLine[]> {
  const lines = quads.map((quad) => ({ quad, reading: isVertical(quad) ? turn(quad, 1) : quad }));
  if (lines.length === 0) return lines;
  const plane = 3 * entry.width * entry.height;
  const data = new Float32Array(plane * lines.length);
  lines.forEach(({ reading }, i) => {
    const width = Math.min(entry.width, Math.ceil(entry.height * aspect(reading)));
    data.set(warpQuad(image, reading, { width, height: entry.height, stride: entry.width }, entry.normalise), i * plane);
  });
  const probabilities = (await run(session, entry.input, entry.output, { data, dims: [lines.length, 3, entry.height, entry.width] })).data;
  return lines.map((line, i) => {
    const upsideDown = probabilities[i * 2 + 1] > probabilities[i * 2] && probabilities[i * 2 + 1] >= entry.threshold;
    return upsideDown ? { ...line, turned: turn(line.reading, 2) } : line;
  });
}

/**
 * Each line read by the recogniser. The classifier sees a whole line squeezed into 192×48 and
 * calls some long or coloured lines upside down that are not (a red sign line, 0.97 sure), so a
 * line it turns over is read both ways and keeps the reading the recogniser is surer of.
 */
async function readLines(image: UprightImage, lines: OrientedLine[], sessions: OcrSessions, entry: OcrEntry['recognizer']) {
  const turned = lines.flatMap((line, i) => (line.turned ? [i] : []));
  const read = await recognizeLines(image, [...lines.map((line) => line.reading), ...turned.map((i) => lines[i].turned!)], sessions, entry);
  const best = read.slice(0, lines.length);
  turned.forEach((line, k) => {
    if (read[lines.length + k].score > best[line].score) best[line] = read[lines.length + k];
  });
  return best;
}

/** Each line read by the recogniser, in batches of similar width so little is padding. */
async function recognizeLines(image: UprightImage, quads: Quad[], sessions: OcrSessions, entry: OcrEntry['recognizer']) {
  const results = new Array<{ text: string; score: number }>(quads.length);
  const widths = quads.map((quad) => Math.max(1, Math.ceil(entry.height * aspect(quad))));
  const order = quads.map((_, i) => i).sort((a, b) => widths[a] - widths[b]);
  for (let start = 0; start < order.length; start += RECOGNIZER_BATCH) {
    const batch = order.slice(start, start + RECOGNIZER_BATCH);
    const stride = Math.max(entry.minWidth, ...batch.map((i) => widths[i]));
    const plane = 3 * entry.height * stride;
    const data = new Float32Array(plane * batch.length);
    batch.forEach((line, b) => {
      data.set(warpQuad(image, quads[line], { width: widths[line], height: entry.height, stride }, entry.normalise), b * plane);
    });
    const output = await run(sessions.recognizer, entry.input, entry.output, { data, dims: [batch.length, 3, entry.height, stride] });
    const [, steps, classes] = output.dims;
    batch.forEach((line, b) => {
      results[line] = ctcDecode(output.data, steps, sessions.classes, b * steps * classes);
    });
  }
  return results;
}

/** The quad's corners moved on by quarter turns: the crop it names turns anticlockwise. */
function turn(quad: Quad, quarters: number): Quad {
  const at = (i: number) => quad[(i + quarters) % 4];
  return [at(0), at(1), at(2), at(3)];
}

function aspect(quad: Quad): number {
  const { width, height } = quadSize(quad);
  return width / Math.max(height, 1);
}

function clamp(value: number, max: number): number {
  return Math.min(Math.max(value, 0), max);
}

/** Mean colour of the photo's outermost pixels: the margin continues the background. */
function borderColour(image: UprightImage): [number, number, number] {
  const sum = [0, 0, 0];
  let count = 0;
  const add = (u: number, v: number) => {
    const at = (image.base + u * image.du + v * image.dv) * 4;
    for (let c = 0; c < 3; c++) sum[c] += image.data[at + c];
    count++;
  };
  for (let u = 0; u < image.width; u++) { add(u, 0); add(u, image.height - 1); }
  for (let v = 0; v < image.height; v++) { add(0, v); add(image.width - 1, v); }
  return [sum[0] / count, sum[1] / count, sum[2] / count];
}

async function run(session: ModelSession, input: string, output: string, tensor: Tensor): Promise<Tensor> {
  return (await session.run({ [input]: tensor }, [output]))[output];
}
