export interface DecodedLine {
  text: string;
  /** Mean of the kept characters' probabilities; 0 for an empty line. */
  score: number;
}

/**
 * PP-OCR's class list from its dictionary file: the CTC blank first, then one character per line
 * in file order, then the space the models were trained with as the last class.
 */
export function ctcClasses(dictionary: string): string[] {
  const characters = dictionary.split(/\r?\n/);
  if (characters[characters.length - 1] === '') characters.pop();
  return ['', ...characters, ' '];
}

/**
 * Greedy CTC decoding of one line: the most probable class at each of `steps` time steps,
 * repeats collapsed, blanks (class 0) dropped.
 */
export function ctcDecode(probabilities: Float32Array, steps: number, classes: readonly string[], offset = 0): DecodedLine {
  const count = classes.length;
  let text = '';
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    const row = offset + t * count;
    let best = 0;
    for (let c = 1; c < count; c++) if (probabilities[row + c] > probabilities[row + best]) best = c;
    if (best !== 0 && best !== previous) {
      text += classes[best];
      sum += probabilities[row + best];
      kept++;
    }
    previous = best;
  }
  return { text, score: kept === 0 ? 0 : sum / kept };
}
