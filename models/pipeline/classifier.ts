/** Classifier post-processing: logits to probabilities to the best classes. */

export interface ClassScore {
  classIndex: number;
  score: number;
}

/** Numerically stable softmax (the largest logit is subtracted before exponentiating). */
export function softmax(logits: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const out = new Float32Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp(logits[i] - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** The `k` highest scores that reach `minScore`, best first; ties keep the lower class index first. */
export function topK(scores: ArrayLike<number>, k: number, minScore = -Infinity): ClassScore[] {
  const picked: ClassScore[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i] >= minScore) picked.push({ classIndex: i, score: scores[i] });
  picked.sort((a, b) => b.score - a.score || a.classIndex - b.classIndex);
  return picked.slice(0, k);
}
