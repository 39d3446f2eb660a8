import { parse } from 'mrz';

/**
 * Machine-readable zones (ICAO 9303) in OCR text. Parsing and check digits are the `mrz`
 * package's; what is ours is finding the lines in noisy OCR output and undoing the usual
 * OCR damage to the filler character '<' before handing them over.
 */

export type MrzFormat = 'TD1' | 'TD2' | 'TD3';

export interface MrzResult {
  format: MrzFormat;
  documentKind: 'passport' | 'id_card' | 'driving_licence' | 'other';
  /** Every field valid (check digits, dates, country codes) per the `mrz` package. */
  valid: boolean;
  /** Every check digit matches. False is a sign of a forged, misprinted or misread MRZ. */
  checkDigitsOk: boolean;
  /**
   * Personal data read from the zone. Register M1533: only to establish identity, and
   * deleted once it is established — never log or store it with the case.
   */
  details: {
    documentNumber?: string;
    surname?: string;
    givenNames?: string;
    birthDate?: string;
    expiryDate?: string;
    nationality?: string;
  };
}

// ICAO 9303 line lengths: TD1 3×30, TD2 2×36, TD3 2×44.
const SHAPES: ReadonlyArray<{ format: MrzFormat; lines: number; length: number }> = [
  { format: 'TD3', lines: 2, length: 44 },
  { format: 'TD2', lines: 2, length: 36 },
  { format: 'TD1', lines: 3, length: 30 },
];
// OCR drops or doubles a few filler characters; a line this far off its length is not tried.
const LENGTH_SLACK = 4;
// Only so much text is searched: an MRZ is a few lines, and the input may be a long letter.
const MAX_INPUT_CHARS = 200_000;

/** Undo the usual OCR damage: '«' for '<<', look-alikes of '<', spaces inside the zone. */
export function normaliseMrzLine(line: string): string {
  let s = line
    .toUpperCase()
    .replace(/[«≪]/g, '<<')
    .replace(/[‹〈⟨(\[{]/g, '<')
    .replace(/\s+/g, '');
  // Inside runs of filler, tesseract reads '<' as K, C, L or E. A run between two '<' that
  // holds at least three '<' and no more than a third of those letters is filler; a short
  // name made of the same letters ("<<ELLE<<<") keeps its letters.
  s = s.replace(/<[<KCLE]*</g, (run) => {
    const fillers = run.split('').filter((c) => c === '<').length;
    return fillers >= 3 && (run.length - fillers) * 3 <= run.length ? '<'.repeat(run.length) : run;
  });
  // Filler running to the end of the line, read as letters after three real '<'
  // ("<<<<<CCCCECCCE"): no name part starts after three fillers, so it is all filler.
  s = s.replace(/<<<[<KCLE]*$/, (run) => '<'.repeat(run.length));
  return s.replace(/[^A-Z0-9<]/g, '');
}

function looksLikeMrz(line: string): boolean {
  // A real MRZ line is all [A-Z0-9<] and (except TD3 line 2 with a full personal number) has filler.
  return line.length >= 30 - LENGTH_SLACK && line.length <= 44 + LENGTH_SLACK && /^[A-Z0-9<]+$/.test(line);
}

/**
 * Ways a misread line may have looked at its nominal length: as read; with trailing filler
 * restored or cut; and, when one character too many was read (a stray mark), each
 * single-character deletion. The parser and the check digits pick the right one.
 */
function variants(line: string, length: number): string[] {
  if (Math.abs(line.length - length) > LENGTH_SLACK) return [];
  if (line.length === length) return [line];
  if (line.length < length) return [line + '<'.repeat(length - line.length)];
  const out: string[] = [];
  if (/^<+$/.test(line.slice(length))) out.push(line.slice(0, length));
  if (line.length === length + 1) {
    for (let i = 0; i < line.length; i++) out.push(line.slice(0, i) + line.slice(i + 1));
  }
  return [...new Set(out)];
}

// Positions that can only hold digits (dates and check digits), per format and line
// (ICAO 9303 parts 4–6). Tesseract reads 0 as Q, D or U there; `mrz`'s own autocorrect
// covers O, I, S, B, G and Z.
const DIGIT_POSITIONS: Record<MrzFormat, number[][]> = {
  TD1: [[14], [0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 29], []],
  TD2: [[], [9, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27, 35]],
  TD3: [[], [9, 13, 14, 15, 16, 17, 18, 19, 21, 22, 23, 24, 25, 26, 27, 42, 43]],
};

function fixDigits(lines: string[], format: MrzFormat): string[] {
  return lines.map((line, i) => {
    const positions = DIGIT_POSITIONS[format][i] ?? [];
    const chars = line.split('');
    for (const p of positions) if (chars[p] === 'Q' || chars[p] === 'D' || chars[p] === 'U') chars[p] = '0';
    return chars.join('');
  });
}

// Each combination is one parse (~5 µs measured); these cap a pathological page: per line
// group, and for the whole text.
const MAX_COMBINATIONS = 400;
const MAX_PARSES = 5_000;

function combinations(options: string[][]): string[][] {
  let out: string[][] = [[]];
  for (const opts of options) {
    out = out.flatMap((prefix) => opts.map((o) => [...prefix, o]));
    if (out.length > MAX_COMBINATIONS) return out.slice(0, MAX_COMBINATIONS);
  }
  return out;
}

function kindOf(documentCode: string | null | undefined): MrzResult['documentKind'] {
  const c = (documentCode ?? '').charAt(0);
  if (c === 'P') return 'passport';
  if (c === 'I' || c === 'A' || c === 'C') return 'id_card';
  return 'other';
}

export function findMrz(text: string): MrzResult | null {
  const lines = text
    .slice(0, MAX_INPUT_CHARS)
    .split(/\r?\n/)
    .map(normaliseMrzLine)
    .filter((l) => l.length > 0);
  let best: (MrzResult & { validChecks: number }) | null = null;
  let parses = 0;
  for (let i = 0; i < lines.length && parses < MAX_PARSES; i++) {
    if (!looksLikeMrz(lines[i]!)) continue;
    for (const shape of SHAPES) {
      const group = lines.slice(i, i + shape.lines);
      if (group.length < shape.lines || !group.every(looksLikeMrz)) continue;
      // Every MRZ has filler: ordinary text squeezed of its spaces does not.
      if (!group[0]!.includes('<') || group.join('').split('<').length - 1 < 4) continue;
      for (const combo of combinations(group.map((l) => variants(l, shape.length)))) {
        if (++parses > MAX_PARSES) break;
        const candidate = tryParse(fixDigits(combo, shape.format), shape.format);
        if (!candidate) continue;
        if (!best || rank(candidate) > rank(best)) best = candidate;
        if (candidate.valid) return strip(candidate);
      }
    }
  }
  return best && strip(best);
}

function strip({ validChecks: _, ...r }: MrzResult & { validChecks: number }): MrzResult {
  return r;
}

function rank(r: MrzResult & { validChecks: number }): number {
  return (r.valid ? 1000 : 0) + (r.checkDigitsOk ? 100 : 0) + r.validChecks;
}

function tryParse(lines: string[], format: MrzFormat): (MrzResult & { validChecks: number }) | null {
  let result: ReturnType<typeof parse>;
  try {
    // autocorrect: O↔0, I↔1, B↔8… in fields that can only be letters or only digits.
    result = parse(lines, { autocorrect: true });
  } catch {
    return null;
  }
  if (result.format !== format) return null;
  const f = result.fields as Record<string, string | null | undefined>;
  // A line of capitals from an ordinary document is not an MRZ: the document code must be
  // an ICAO one and at least one country code must be a real state.
  if (!f.documentCode || !/^[PIACV]/.test(f.documentCode)) return null;
  if (!f.issuingState && !f.nationality) return null;
  const checks = result.details.filter((d) => typeof d.field === 'string' && d.field.endsWith('CheckDigit'));
  // A real zone, even misread or with one wrong digit, keeps most check digits right
  // (one wrong digit also breaks the composite: 2 of 4 or 5); a look-alike gets them by chance.
  const validChecks = checks.filter((d) => d.valid).length;
  if (validChecks * 2 < checks.length) return null;
  const details: MrzResult['details'] = {};
  const put = (k: keyof MrzResult['details'], v: string | null | undefined) => {
    if (v) details[k] = v;
  };
  put('documentNumber', result.documentNumber ?? f.documentNumber);
  put('surname', f.lastName);
  put('givenNames', f.firstName);
  put('birthDate', f.birthDate);
  put('expiryDate', f.expirationDate);
  put('nationality', f.nationality);
  return {
    validChecks,
    format,
    documentKind: kindOf(f.documentCode),
    valid: result.valid,
    checkDigitsOk: checks.length > 0 && checks.every((d) => d.valid),
    details,
  };
}
