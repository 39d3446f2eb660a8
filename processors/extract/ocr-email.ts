/**
 * E-mail addresses in OCR text. Tesseract reads '@' as '©', '®', '(at)' or '&', dots as
 * commas or spaced dots, and 'm' as 'rn' ('kpnrnail.nl'). A strict address pattern misses
 * almost every one, so this one is tolerant in the separators but anchored at the end on a
 * real domain ending: a known Dutch or international mail provider, or a top-level domain
 * from a short list. Two occurrences (sender block and signature) are cross-checked.
 *
 * Every quantifier is bounded and the scan is one regex pass plus constant work per hit.
 */
import { fold } from './text.ts';
import type { Span } from './text.ts';

/** Mail providers Dutch citizens use most, and the big international ones. */
const PROVIDERS = [
  'gmail.com', 'googlemail.com', 'hotmail.com', 'hotmail.nl', 'outlook.com', 'outlook.nl', 'live.nl', 'live.com', 'msn.com',
  'ziggo.nl', 'kpnmail.nl', 'kpnplanet.nl', 'planet.nl', 'home.nl', 'xs4all.nl', 'hetnet.nl', 'chello.nl', 'casema.nl',
  'zeelandnet.nl', 'telfort.nl', 'tele2.nl', 'upcmail.nl', 'online.nl', 'quicknet.nl', 'solcon.nl', 'caiway.nl', 'delta.nl',
  'kabelfoon.nl', 'versatel.nl', 'wxs.nl', 'yahoo.com', 'yahoo.nl', 'icloud.com', 'me.com', 'mac.com', 'protonmail.com',
  'proton.me', 'gmx.net', 'gmx.de', 'web.de', 'aol.com', 'telenet.be', 'skynet.be',
];
/** Top-level domains a KCC correspondent writes from; an ending outside these is not trusted in OCR text. */
const TLDS = new Set(['nl', 'com', 'net', 'org', 'eu', 'be', 'de', 'fr', 'uk', 'info', 'me', 'nu', 'biz', 'io', 'es', 'it', 'lu', 'at', 'ch', 'tr', 'ma', 'sr', 'cw', 'aw', 'pl']);

/**
 * Local part, an '@' as OCR writes it, then domain labels joined by a dot, a comma or a
 * spaced dot, or (only before the last label) a single space: 'home nl'.
 */
const OCR_EMAIL =
  /(?<![\p{L}\p{N}._%+\-])([A-Za-z0-9][A-Za-z0-9._%+\-]{0,63})\s{0,2}(?:@|©|®|&|\((?:at|a|@)\)|\[(?:at|a|@)\])\s{0,2}([A-Za-z0-9\-]{1,63}(?:\s{0,2}[.,]\s{0,2}[A-Za-z0-9\-]{1,63}|\s[A-Za-z]{2,4}(?![\p{L}\p{N}])){1,4})/gu;

export interface OcrEmailHit extends Span {
  address: string;
  /** The text needed repair (separators or a provider's name). */
  repaired: boolean;
}

/** Letters OCR confuses inside a domain: compared after folding both sides to one form. */
function domainFold(d: string): string {
  return d.replace(/rn/g, 'm').replace(/[il1]/g, 'l').replace(/0/g, 'o').replace(/vv/g, 'w').replace(/cl/g, 'd');
}
const PROVIDER_BY_FOLD = new Map(PROVIDERS.map((p) => [domainFold(p), p]));

/**
 * The domain as written, or the provider it is an OCR misreading of; null when the ending is
 * not a trusted one. `asWritten`: a real '@' and only dots between the labels, nothing to
 * repair; then any alphabetic ending is the writer's own (.dk, .pt, a ministry's .test
 * domain) — the short list only guards endings that had to be repaired to be read at all.
 */
function repairDomain(raw: string, asWritten = false): string | null {
  const d = raw.toLowerCase().replace(/\s*[.,]\s*|\s+/g, '.');
  if (PROVIDERS.includes(d)) return d;
  const provider = PROVIDER_BY_FOLD.get(domainFold(d));
  if (provider) return provider;
  // A space read for a dot ('home nl') only for a provider: otherwise it is the next word.
  if (/[a-z0-9]\s+[a-z0-9]/i.test(raw.replace(/\s*[.,]\s*/g, '.'))) return null;
  const labels = d.split('.');
  const tld = labels[labels.length - 1] ?? '';
  const trusted = TLDS.has(tld) || (asWritten && /^[a-z]{2,24}$/.test(tld));
  if (labels.length < 2 || !trusted || labels.some((l) => l === '' || l.startsWith('-') || l.endsWith('-'))) return null;
  return d;
}

/** E-mail addresses in OCR text, repaired; the strict form included. */
export function findOcrEmails(text: string): OcrEmailHit[] {
  const out: OcrEmailHit[] = [];
  for (const m of text.matchAll(OCR_EMAIL)) {
    const local = (m[1] ?? '').replace(/[.\-]+$/, '');
    // The pattern is greedy: the words after an address ('ziggo.nl, of bel') are cut off
    // label by label until a trusted ending remains.
    let domainRaw = m[2] ?? '';
    const realAt = m[0].slice((m[1] ?? '').length).trimStart().startsWith('@');
    const asWritten = (d: string) => realAt && !/[\s,]/.test(d);
    let domain = repairDomain(domainRaw, asWritten(domainRaw));
    for (let i = 0; domain === null && i < 4; i++) {
      const shorter = domainRaw.replace(/(?:\s*[.,]\s*|\s+)[A-Za-z0-9\-]+$/, '');
      if (shorter === domainRaw) break;
      domainRaw = shorter;
      domain = repairDomain(domainRaw, asWritten(domainRaw));
    }
    if (!domain || local === '' || /\.\./.test(local)) continue;
    const address = `${local}@${domain}`.toLowerCase();
    const end = m.index + m[0].length - ((m[2] ?? '').length - domainRaw.length);
    out.push({ start: m.index, end, address, repaired: address !== text.slice(m.index, end).toLowerCase() });
  }
  return out;
}

/** Local parts that are the same once OCR's confusions are folded ('anneke.v0s' / 'anneke.vos'). */
function localFold(s: string): string {
  return fold(s).replace(/rn/g, 'm').replace(/[il1|]/g, 'l').replace(/0/g, 'o').replace(/5/g, 's');
}

export interface EmailChoice {
  address: string | null;
  /** Several readings that could not be reconciled: the agent should look. */
  uncertain: boolean;
}

/**
 * One address from the occurrences of a letter writer's own address. Readings that agree
 * after repair are one; readings that differ only by OCR confusions in the local part are
 * decided by the name of the writer (whose words the local part usually holds), else by how
 * often each was read; readings that are different addresses leave it open.
 */
export function chooseEmail(hits: ReadonlyArray<{ address: string }>, name: string | null): EmailChoice {
  const distinct = [...new Set(hits.map((h) => h.address))];
  if (distinct.length === 0) return { address: null, uncertain: false };
  if (distinct.length === 1) return { address: distinct[0]!, uncertain: false };
  const key = (a: string): string => `${localFold(a.slice(0, a.indexOf('@')))}@${a.slice(a.indexOf('@') + 1)}`;
  const keys = new Set(distinct.map(key));
  if (keys.size > 1) return { address: null, uncertain: true };
  const nameWords = fold(name ?? '').split(/[^\p{L}]+/u).filter((w) => w.length >= 2);
  const score = (a: string): number => {
    const local = fold(a.slice(0, a.indexOf('@')));
    return nameWords.filter((w) => local.includes(w)).length * 10 + hits.filter((h) => h.address === a).length;
  };
  const ranked = [...distinct].sort((x, y) => score(y) - score(x));
  if (score(ranked[0]!) === score(ranked[1]!)) return { address: null, uncertain: true };
  return { address: ranked[0]!, uncertain: false };
}
