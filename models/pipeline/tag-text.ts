/**
 * One spelling per free-text tag, so that "Dog", "ＤＯＧ " and "“dog”" are the same tag on the device,
 * in the outbox and on the server (which groups free-text tags with this same function).
 * Length is the caller's to check: the wire contract's limit lives in server/contract, which the
 * pipeline may not import.
 */

/** Whitespace, quotes, dashes and sentence marks: never meaningful at a tag's edges. */
const EDGE = String.raw`\s\p{Pi}\p{Pf}\p{Pd}\p{Pc}"'\x60.,!?;:、。…·~`;
const edgeMarks = new RegExp(`^[${EDGE}]+|[${EDGE}]+$`, 'gu');
/** Brackets around the whole tag: "(猫)", "「柯基」". */
const enclosingBrackets = /^\p{Ps}([^\p{Ps}\p{Pe}]*)\p{Pe}$/u;
/** A bracket at an edge whose partner is missing; "crane (bird)" keeps its pair. */
const loneBrackets = /^\p{Ps}(?=[^\p{Pe}]*$)|(?<=^[^\p{Ps}]*)\p{Pe}$/gu;

/** The tag's canonical text, or '' when nothing meaningful is left. */
export function normaliseTagText(text: string): string {
  const folded = text
    // NFKC folds full-width letters, digits and punctuation and the ideographic space to their ASCII forms.
    .normalize('NFKC')
    // Invisible format characters (zero-width space, BOM) must not make two tags differ.
    .replace(/\p{Cf}/gu, '')
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .toLowerCase();
  return trimEdges(folded);
}

function trimEdges(text: string): string {
  let previous: string;
  let trimmed = text;
  do {
    previous = trimmed;
    trimmed = trimmed.replace(edgeMarks, '').replace(enclosingBrackets, '$1').replace(loneBrackets, '');
  } while (trimmed !== previous);
  return trimmed;
}
