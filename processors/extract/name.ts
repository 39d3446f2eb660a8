/**
 * The writer's name: from the closing formula ('Met vriendelijke groet,' + next line), else
 * a letter's sender block, else the From display name (unless it is an address, an
 * organisation or a no-reply sender).
 */
import { fold } from './text.ts';

/** Closings after which the name follows, on the same line or the next. */
const CLOSING_WORDS = [
  'met vriendelijke groet(?:en)?', 'vriendelijke groet(?:en)?', 'met hartelijke groet(?:en)?', 'hartelijke groet(?:en)?',
  'met (?:beste|vriendelijke) groet(?:en)?', 'beste groet(?:en)?', 'met groet(?:en)?', 'groet(?:en|jes)?', 'liefs',
  'mvg', 'm\\.? ?v\\.? ?g\\.?', 'm\\.vr\\.gr\\.?', 'vr\\.? ?gr\\.?', 'gr\\.?', 'hoogachtend', 'fijne dag',
  '(?:with )?(?:kind|best|warm|warmest|kindest) regards', 'regards', '(?:yours )?(?:sincerely|faithfully|truly)',
  'best wishes', 'all the best',
  // German and French, from neighbours and their companies (eHerkenning, Digipoort).
  'mit freundlichen gr(?:ü|ue|u)(?:ß|ss)en', '(?:viele|beste|freundliche) gr(?:ü|ue|u)(?:ß|ss)e', 'cordialement', 'bien (?:à|a) vous',
].join('|');
/** Closings that are also ordinary sentence openers ('Thanks for...', 'Dank u wel voor...'): only count when the line ends or a name follows. */
const SHORT_CLOSING_WORDS = [
  'alvast bedankt', 'bij voorbaat dank', 'bedankt', 'dank u wel', 'dank je wel', 'dankjewel', 'dank', 'met dank',
  'thanks in advance', 'thanks again', 'many thanks', 'thanks', 'thank you in advance', 'thank you', 'cheers', 'best',
].join('|');

const CLOSING = new RegExp(
  `(?:^|[.!?] {1,3})(?:(?:${CLOSING_WORDS})(?=$|[ ,.!:;/\\-])|(?<short>${SHORT_CLOSING_WORDS})(?= {0,3}[,!.]? {0,3}(?:$|\\S)))`,
  'gimu',
);
/** What may follow a short closing on its line: nothing, or a capitalised name. Case-sensitive on purpose. */
const AFTER_SHORT_CLOSING = /^ {0,3}[,!.]? {0,3}(?:$|\p{Lu})/u;

/** Titles and forms of address that are not part of a name. */
const TITLE = /^(?:dhr\.?|de heer|heer|mevr\.?|mevrouw|mw\.?|mr\.?|mrs\.?|ms\.?|miss|meneer|drs\.?|dr\.?|ir\.?|ing\.?|prof\.?|sir)\s+/iu;
/** Lower-case words inside names (tussenvoegsels and their foreign cousins). */
const NAME_PARTICLES = new Set(['van', 'de', 'der', 'den', 'ten', 'ter', 'te', "'t", 'el', 'al', 'von', 'du', 'da', 'di', 'dos', 'le', 'la', 'in', 'het', 'op', 'bin', 'ben']);
/** Words that make a "name" an organisation, a team or a machine. */
const ORG_WORDS =
  /(?:^|[\s.])(?:team|\p{L}*team|service|services|servicedesk|helpdesk|klantenservice|support|b\.?v\.?|n\.?v\.?|ltd|gmbh|inc|llc|stichting|vereniging|gemeente|afdeling|advocaten|bureau|kantoor|bewindvoering|administratie|secretariaat|logius|digid|mijnoverheid|bibliotheek|library|provincie|province|waterschap|ombudsman|informatiepunt|servicepunt|loket|wijkteam|ministerie|ministry|belastingdienst|agency|noreply|no-reply|donotreply|mailer-daemon|postmaster|info|admin|webmaster|nieuwsbrief|newsletter)(?:$|[\s.,])/iu;
/** Common function words: a "name" containing one is a sentence. */
const FUNCTION_WORDS = new Set([
  'ik', 'je', 'jij', 'u', 'uw', 'we', 'wij', 'ze', 'zij', 'hij', 'het', 'een', 'en', 'of', 'maar', 'voor', 'met', 'naar', 'uit', 'bij', 'om',
  'is', 'was', 'ben', 'heb', 'heeft', 'kan', 'wil', 'niet', 'wel', 'dat', 'dit', 'die', 'er', 'nog', 'ook', 'als', 'dan', 'mijn', 'me', 'mij',
  'the', 'a', 'an', 'and', 'or', 'but', 'for', 'with', 'to', 'from', 'of', 'my', 'your', 'you', 'i', 'we', 'is', 'are', 'be', 'have', 'has',
  'this', 'that', 'it', 'not', 'please', 'all', 'again', 'help', 'dear', 'hello', 'hi', 'beste', 'geachte', 'hallo',
  'verstuurd', 'vanaf', 'sent', 'iphone', 'android', 'samsung-apparaat', 'outlook', 'handtekening', 'signature',
]);
const NAME_TOKEN = /^(?:\p{L}[\p{L}'\-]*\.?|(?:\p{L}\.){1,5}\p{L}?\.?)$/u;

/** Clean a candidate and decide whether it reads as a person's name. */
export function cleanName(raw: string): string | null {
  // Names are short; cutting first keeps every pattern below on a bounded string.
  let s = raw.slice(0, 200).replace(/[\s"'<>]+$/u, '').replace(/^[\s"'<>]+/u, '');
  s = s.split(/,| - | \| | \/ |\(|\t| {3,}/u)[0] ?? '';
  s = s.trim().replace(/[:;!?]+$/u, '');
  // A full stop after a word ends a sentence; after an initial ('A.M.') it belongs to the name.
  if (/\p{L}{2}\.$/u.test(s)) s = s.slice(0, -1);
  for (let i = 0; i < 3 && TITLE.test(s); i++) s = s.replace(TITLE, '');
  s = s.replace(/\s+/g, ' ').trim();
  if (s.length < 2 || s.length > 60 || /[\d@]/.test(s) || ORG_WORDS.test(s)) return null;
  const tokens = s.split(' ');
  if (tokens.length > 6) return null;
  let letters = 0;
  for (const t of tokens) {
    if (!NAME_TOKEN.test(t)) return null;
    const f = fold(t).replace(/\.$/, '');
    if (!t.includes('.') && FUNCTION_WORDS.has(f) && !NAME_PARTICLES.has(f)) return null;
    letters += t.replace(/[^\p{L}]/gu, '').length;
  }
  if (letters < 2) return null;
  // At least one token that is not a particle.
  if (tokens.every((t) => NAME_PARTICLES.has(fold(t)))) return null;
  return s;
}

/** A line that opens with a closing formula is never the name of the one above it. */
const CLOSING_LINE = new RegExp(`^(?:${CLOSING_WORDS})(?=$|[ ,.!:;/\\-])`, 'iu');

/** Lines that are not a name even when they follow a closing. */
const SKIP_LINE = /^(?:\(?\[?(?:handtekening|signature|getekend|signed|w\.g\.)\]?\)?|-{2,}|_{2,})$/iu;

export interface ClosingHit {
  name: string | null;
  /** Offset where the closing formula starts: what follows is the writer's signature. */
  start: number;
}

/** Only the last closings matter (the writer's own comes last); earlier ones are not examined. */
const MAX_CLOSINGS = 20;
/** How far after a closing its name can be: the rest of the line and up to five short lines. */
const NAME_WINDOW = 400;
/**
 * A closing followed by these within a few lines is a KCC employee's (quoted in the
 * citizen's text), not the writer's. Only words that name this organisation: a citizen may
 * well work at some other helpdesk.
 */
const STAFF_MARKER = /\b(?:klantcontactcentrum|kcc|logius|digid[- ]?(?:helpdesk|team|servicecentrum)|servicecentrum logius)\b/iu;
const STAFF_WINDOW = 120;

/** All closings in the text, last first, with the name that follows each (null if none). */
export function findClosings(text: string): ClosingHit[] {
  const hits: ClosingHit[] = [];
  const matches: RegExpExecArray[] = [];
  for (const m of text.matchAll(CLOSING)) {
    matches.push(m);
    if (matches.length > MAX_CLOSINGS) matches.shift();
  }
  for (const m of matches) {
    const lead = /^[.!?] {1,3}/.exec(m[0])?.[0].length ?? 0;
    const start = m.index + lead;
    const afterPos = m.index + m[0].length;
    const window = text.slice(afterPos, afterPos + NAME_WINDOW);
    const eolInWindow = window.indexOf('\n');
    const eol = eolInWindow === -1 ? -1 : afterPos + eolInWindow;
    let rest = eolInWindow === -1 ? window : window.slice(0, eolInWindow);
    if (m.groups?.short !== undefined && !AFTER_SHORT_CLOSING.test(rest)) continue;
    // 'Met vriendelijke groet / Kind regards,' — a second closing on the same line.
    rest = rest.replace(/^[ ,.!:;/\-]*/u, '');
    const again = new RegExp(`^(?:${CLOSING_WORDS}|${SHORT_CLOSING_WORDS})(?=$|[ ,.!:;])[ ,.!:;]*`, 'iu').exec(rest);
    if (again) rest = rest.slice(again[0].length);
    let name: string | null = null;
    let nameEnd = afterPos;
    if (rest.trim() !== '') {
      name = cleanName(rest);
      nameEnd = afterPos + rest.length;
    } else if (eol !== -1) {
      // The name is on one of the next lines (skipping blank lines and a signature placeholder).
      const lines = text.slice(eol + 1, eol + 1 + NAME_WINDOW).split('\n', 6);
      let offset = eol + 1;
      for (const raw of lines) {
        const line = raw.trim();
        offset += raw.length + 1;
        if (line === '' || SKIP_LINE.test(line)) continue;
        // 'Thank you in advance.' above 'Met vriendelijke groet,': that closing has the name.
        if (CLOSING_LINE.test(line)) break;
        name = cleanName(line);
        nameEnd = offset;
        break;
      }
    }
    if (name !== null && STAFF_MARKER.test(text.slice(nameEnd, nameEnd + STAFF_WINDOW))) name = null;
    hits.push({ name, start });
  }
  return hits.reverse();
}

/**
 * A name standing alone at the end of a message without a closing formula ('Ton Willemsen'
 * above a phone number, 'A. Vos'). Stricter than after a closing: capitalised words and
 * initials only, or a lower-case name that the sender's own display name or address
 * confirms ('kevin okafor' from kevin.okafor@...).
 */
export function signatureName(text: string, fromName: string | null, fromAddress: string | null): { name: string; start: number } | null {
  const trimmed = text.trimEnd();
  const paraStart = Math.max(trimmed.lastIndexOf('\n\n') + 2, 0);
  const para = trimmed.slice(paraStart).split('\n').map((l) => l.trim());
  if (para.length > 7) return null;
  for (const line of para.slice(0, 2)) {
    const name = cleanName(line);
    if (!name || name !== line.replace(/[.,]$/, '')) continue;
    const tokens = name.split(' ').filter((t) => !NAME_PARTICLES.has(t));
    const capitalised = tokens.every((t) => /^\p{Lu}/u.test(t));
    const confirmed =
      tokens.length > 0 &&
      tokens.every((t) => fold(`${fromName ?? ''} ${fromAddress ?? ''}`).includes(fold(t).replace(/\.$/, '')));
    if ((capitalised && tokens.length >= 2) || confirmed) return { name, start: paraStart + trimmed.slice(paraStart).indexOf(line) };
  }
  return null;
}

/** A letter's sender block: the first line, when the lines under it hold a postcode. */
export function letterheadName(text: string): string | null {
  const lines = text.replace(/^\s+/, '').split('\n', 6);
  const block: string[] = [];
  for (const l of lines) {
    if (l.trim() === '') break;
    block.push(l.trim());
  }
  if (block.length < 2 || !block.slice(1).some((l) => /\b[1-9]\d{3} ?[A-Z]{2}\b/.test(l))) return null;
  return cleanName(block[0] ?? '');
}

/**
 * The From display name, if it is a person's: not an address, organisation or no-reply
 * sender. 'Jansen, Piet' becomes 'Piet Jansen'.
 */
export function displayName(fromName: string | null): string | null {
  if (!fromName) return null;
  let s = fromName.replace(/\([^)]{0,80}\)/g, ' ').replace(/"/g, '').trim();
  if (s.includes('@') || ORG_WORDS.test(s)) return null;
  const comma = /^([^,]{2,40}), ?([^,]{2,40})$/u.exec(s);
  if (comma?.[1] && comma[2] && !/\s/.test(comma[1].trim()) && cleanName(comma[2])) s = `${comma[2].trim()} ${comma[1].trim()}`;
  return cleanName(s);
}

/**
 * Combine the closing name and the display name: a closing with only a first name that the
 * display name starts with gives way to the fuller display name ('Bram' + 'Bram Oosterhuis').
 */
export function mergeNames(closing: string | null, display: string | null): { name: string | null; source: string | null } {
  if (closing && display) {
    const c = fold(closing).split(' ');
    const d = fold(display).split(' ');
    if (c.length === 1 && d.length > 1 && d[0] === c[0]) return { name: display, source: 'closing+from' };
    // 'J. Peeters' / 'J.A. de Vries' signed, 'Joost Peeters' / 'Jan Albert de Vries' in From: the fuller form of the same name.
    if (initialsOf(c, d)) return { name: display, source: 'closing+from' };
    return { name: closing, source: 'closing' };
  }
  if (closing) return { name: closing, source: 'closing' };
  if (display) return { name: display, source: 'from' };
  return { name: null, source: null };
}

/**
 * Whether the closing's tokens are initials plus the display name's family name, and the
 * initials are those of the display name's given names ('j.' + 'peeters' against 'joost peeters').
 */
function initialsOf(closing: string[], display: string[]): boolean {
  const initials: string[] = [];
  let i = 0;
  for (; i < closing.length && /^(?:\p{L}\.){1,5}$/u.test(closing[i] ?? ''); i++) initials.push(...(closing[i] ?? '').split('.').filter((x) => x !== ''));
  if (initials.length === 0 || i === closing.length) return false;
  const family = closing.slice(i).join(' ');
  const given = display.length - closing.length + i;
  if (given < 1 || display.slice(given).join(' ') !== family) return false;
  const givenNames = display.slice(0, given).flatMap((g) => g.split('-'));
  if (givenNames.some((g) => g.endsWith('.'))) return false;
  return givenNames.length >= initials.length && initials.every((x, k) => givenNames[k]?.startsWith(x));
}
