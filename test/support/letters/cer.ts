/**
 * Character error rate: Levenshtein distance between recognised text and ground truth,
 * divided by the length of the ground truth. Both sides are compared after folding runs of
 * whitespace to one space, because line breaks and blank lines are layout, not characters
 * the OCR got wrong.
 */
export function normaliseForCer(s: string): string {
  return s.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Edit distance with two rolling rows: O(n·m) time, O(m) memory; pages are a few kB. */
export function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = new Uint32Array(b.length + 1);
  let cur = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

export function cer(recognised: string, truth: string): number {
  const t = normaliseForCer(truth);
  const r = normaliseForCer(recognised);
  if (t.length === 0) return r.length === 0 ? 0 : 1;
  return levenshtein(r, t) / t.length;
}
