/**
 * Dutch postal addresses: street, house number (with additions), postcode, city.
 *
 * Three shapes are recognised, best first:
 *  1. a postcode with the street and number before it, on the same line ('Kerkstraat 3,
 *     8181 HK Heerde', also in prose: 'op de Esdoornlaan 14 in 5612 AB Eindhoven') or on the
 *     line above (a letter's sender block, a signature);
 *  2. a postcode with a city but no readable street;
 *  3. a street with a Dutch street-name ending and a number in prose, without postcode
 *     ('wonende aan de Dorpsstraat 5 te Nijkerk').
 * An address abroad counts as shape 1 only when a country names it: street and number, a
 * four- or five-digit postcode and a city, then the country, on one line or three
 * ('Schillerstraße 41, 50667 Köln, Germany'; 'Kapelstraat 14 bus 3' / '2018 Antwerpen' /
 * 'België'). Without the country, four or five digits and a word are too often something else.
 * A city alone ('wonende te Gouda') is the last resort. Everything works line by line with
 * bounded patterns and a token walk, so the cost is linear in the text.
 */
import { fold, overlapsAny } from './text.ts';
import type { Span } from './text.ts';

export interface AddressHit extends Span {
  street: string | null;
  houseNumber: string | null;
  postcode: string | null;
  city: string | null;
  /** The country as written for an address abroad; null for the Netherlands. */
  country?: string | null;
  /** 1 = street+number+postcode, 2 = postcode (+city), 3 = street+number in prose, 4 = city only. */
  tier: 1 | 2 | 3 | 4;
  shape: 'block' | 'inline' | 'prose' | 'city' | 'foreign';
  /** A postcode at the start of a sender-block line whose street line above could not be read (OCR noise). */
  streetUnreadable?: boolean;
}

/** Dutch postcode: 4 digits (no leading 0), optional space, 2 letters; SA, SD and SS are never issued. */
const POSTCODE = /(?<![\p{L}\p{N}#])([1-9]\d{3}) {0,2}([A-Za-z]{2})(?![\p{L}\p{N}])/gu;
const NEVER_ISSUED = new Set(['SA', 'SD', 'SS']);

/**
 * A house number with an optional addition: '12a', '88b', '12-II', '263-1', '14-A', and with a
 * space only the forms that cannot be a word of the next sentence ('231 bis', '18 hs', '3 A'
 * at the end of the line or before a comma or the postcode).
 */
const HOUSE_NUMBER_AT_END =
  /(?<![\p{L}\p{N}\-/.,])(\d{1,5}(?:-(?:[IVX]{1,4}|\d{1,4}|[A-Za-z]{1,3})(?![\p{L}\p{N}])|[A-Za-z]{1,2}(?![\p{L}\p{N}])| (?:bis|BIS|hs|HS|huis|boven|beneden|bg|BG|[A-Z]|II|III|IV)(?![\p{L}\p{N}]))?)(?:[ ,]{0,3}(?:in|te|,)?)?[ ,]*$/u;
const HOUSE_NUMBER_ANYWHERE =
  /(?<![\p{L}\p{N}\-/.,#])(\d{1,5}(?:-(?:[IVX]{1,4}|\d{1,4}|[A-Za-z]{1,3})(?![\p{L}\p{N}])|[A-Za-z]{1,2}(?![\p{L}\p{N}])| (?:bis|BIS|hs|HS|huis|boven|beneden|bg|BG|[A-Z])(?=[ ]*(?:$|[,;)]|\d{4})))?)(?![\p{L}\p{N}])/gmu;

/** Lower-case words that occur inside Dutch street and place names. */
const PARTICLES = new Set(['van', 'de', 'der', 'den', 'het', "'t", 'aan', 'op', 'bij', 'ter', 'ten', 'te', 'la', 'le', 'du', 'des', "'s", 'in', 'a/d', 'en']);
/** Particles that may stand inside a street name (not 'op', 'in', 'te': those introduce it in prose). */
const STREET_PARTICLES = new Set(['van', 'de', 'der', 'den', 'het', "'t", 'aan', 'bij', 'ter', 'ten', 'la', 'le', 'du', 'des', "'s"]);

/** Endings of Dutch (and Frisian) street names; used only when there is no postcode to anchor on. */
const STREET_SUFFIX =
  /(?:straat|laan|weg|plein|gracht|kade|singel|dijk|dyk|dreef|hof|park|pad|steeg|markt|plantsoen|veld|baan|boulevard|erf|ring|wal|haven|dam|allee|oord|poort|vaart|zijde|straatweg|hoek|berg|burg|dreve|horst|kamp|weide|wijk|akker|polder|gaarde|hout|bosch|bos|stein|straatje|strjitte|leane|wei|wâl|loane|kanaal|buurt|lei|lijn|zoom|rade|rode|donk|beek)$/u;

/** Capitalised words that precede a number without being a street. */
const NOT_STREET = new Set([
  'postbus', 'antwoordnummer', 'postcode', 'bus', 'android', 'ios', 'iphone', 'ipad', 'windows', 'samsung', 'galaxy',
  'versie', 'version', 'java', 'openjdk', 'wcag', 'kvk', 'tel', 'telefoon', 'mobiel', 'mobile', 'huisnummer', 'nummer',
  'bsn', 'sinds', 'since', 'op', 'in', 'om', 'at', 'on', 'from', 'tot', 'to', 'until', 'vanaf', 'na', 'voor', 'eh',
  'niveau', 'level', 'artikel', 'article', 'art', 'pagina', 'page', 'bijlage', 'kenmerk', 'zaaknummer', 'hoofdstuk',
  'januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december',
  'january', 'february', 'march', 'may', 'june', 'july', 'august', 'october', 'ik', 'we', 'wij', 'i', 'dit', 'deze',
  // Words that introduce an address ('Adres Kerkstraat 12', 'MIJN ADRES IS …').
  'mijn', 'my', 'adres', 'address', 'is', 'woon', 'wonen', 'live', 'lives', 'kamer', 'room', 'rekening',
]);
/**
 * Words before an address that also start real street names ('Aan het Water', 'Onze Lieve
 * Vrouweplein'): dropped only in a message written in capitals ('IK WOON AAN DE KERKSTRAAT
 * 5'). 'Nieuwe' is not among them ('Nieuwe Binnenweg').
 */
const CAPITALS_INTRO = new Set(['ons', 'onze', 'our', 'at', 'aan', 'op', 'in', 'te']);

/** Country names that follow a postcode in an address block but are not the city. */
const COUNTRIES = /^(?:nederland|the netherlands|netherlands|holland|nl)$/;

/**
 * How far before a house number a street name can start, and how far after a postcode a city
 * can run. Real names are far shorter (the longest Dutch street names are about 40
 * characters); the windows keep the per-hit work constant, so a line full of numbers stays linear.
 */
const STREET_WINDOW = 120;
const CITY_WINDOW = 80;

const CAPITALISED = /^(?:\p{Lu}[\p{L}'.\-]*|'s-\p{Lu}[\p{L}'.\-]*|'t)$/u;
const ORDINAL = /^\d{1,2}(?:e|ste|de)$/;

/**
 * Walk back from the end of `before` over the words of a street name: capitalised words and
 * the particles inside names ('Laan van Meerdervoort', '2e Hugo de Grootstraat').
 */
function streetBefore(before: string): string | null {
  const tokens = before.slice(-STREET_WINDOW).replace(/[ ]+$/, '').split(' ');
  // The first token of a cut window may be a fragment: never let it start the name.
  if (before.length > STREET_WINDOW) tokens.shift();
  const picked: string[] = [];
  for (let i = tokens.length - 1; i >= 0 && picked.length < 7; i--) {
    const raw = tokens[i] ?? '';
    if (raw === '') break;
    // '(Laan van Meerdervoort 1205, ...)': an opening bracket or quote starts the name.
    const t = raw.replace(/^[("'[]+/u, '');
    if (t !== raw) {
      if (CAPITALISED.test(t)) picked.unshift(t);
      break;
    }
    if (CAPITALISED.test(t) || STREET_PARTICLES.has(t) || (ORDINAL.test(t) && picked.length > 0)) {
      picked.unshift(t);
      if (ORDINAL.test(t)) break;
    } else break;
  }
  // Leading particles belong to the sentence ('op de Dorpsstraat'); so do capitalised words
  // that open one ('Sinds 2019', 'Op 5 januari').
  // In capitals, the particles after such words go with them ('AAN DE KERKSTRAAT').
  let introInCapitals = false;
  while (picked.length > 0) {
    const word = picked[0] ?? '';
    const folded = fold(word).replace(/[.:]$/, '');
    const capitals = /^\p{Lu}{2,}[.:]?$/u.test(word);
    const intro = capitals && CAPITALS_INTRO.has(folded);
    if (STREET_PARTICLES.has(word) || NOT_STREET.has(folded) || intro || (introInCapitals && capitals && STREET_PARTICLES.has(folded))) {
      introInCapitals ||= intro;
      picked.shift();
    } else break;
  }
  if (picked.length === 0) return null;
  const street = picked.join(' ');
  if (!/\p{L}{3}/u.test(street)) return null;
  return street;
}

/**
 * The street line above a sender block's postcode, with what OCR adds around it removed: a
 * label ('Adres:'), table rules and specks at the ends ('| Lindenlaan 7 ,'), and in the
 * house number letters read for digits ('l4' → '14', '2O' → '20'). The postcode below is
 * the anchor that makes this line a street line, so the repair is not done elsewhere.
 */
function streetLineOf(line: string): string {
  const s = line
    .replace(/^\s*(?:adres|address|straat)\s*:\s*/i, '')
    .replace(/^[^\p{L}\p{N}'(]+/u, '')
    .replace(/[^\p{L}\p{N})]+$/u, '');
  return s.replace(/(?<= )([0-9lIO|]{1,5})([a-zA-Z]?)$/u, (all, num: string, add: string) => (/\d/.test(num) ? `${num.replace(/[lI|]/g, '1').replace(/O/g, '0')}${add}` : all));
}

/** The city after a postcode: capitalised words with the particles of place names, up to punctuation. */
function cityAfter(after: string): string | null {
  const m = /^[ ,]{0,3}((?:'[sS]-|'[tT] )?[\p{Lu}][\p{L}'\-]*(?:[ -](?:(?:aan|den|de|der|op|in|bij|a\/d|ter|ten|upon) )?[\p{Lu}][\p{L}'\-]*){0,4})/u.exec(after);
  if (!m?.[1]) return null;
  const words = m[1].split(' ');
  // Drop a trailing country ('Den Haag NEDERLAND') and anything in capitals after the name.
  while (words.length > 1 && (COUNTRIES.test(fold(words[words.length - 1] ?? '')) || /^\p{Lu}{3,}$/u.test(words[words.length - 1] ?? '') && !/^\p{Lu}{3,}$/u.test(words[0] ?? ''))) words.pop();
  const city = words.join(' ');
  if (COUNTRIES.test(fold(city))) return null;
  return city;
}

/** The next line's opening name, when that line is a city or a city before ',', '(' or '.'. */
function cityOnNextLine(line: string): string | null {
  const head = line.slice(0, CITY_WINDOW);
  const city = cityAfter(head);
  if (!city || NOT_A_CITY.test(fold(city))) return null;
  return /^\s*(?:[,(.;]|$)/u.test(head.slice(head.indexOf(city) + city.length)) ? city : null;
}

function normalisePostcode(digits: string, letters: string): string {
  return `${digits}${letters.toUpperCase()}`;
}

function squashNumber(s: string): string {
  return s.replace(/ {2,}/g, ' ').trim();
}

/** Where does each line start? */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Residence phrases that put a city in prose: 'wonende te Gouda', 'I live in Utrecht'. */
const CITY_CUE = /\b(?:wonende|woonachtig|wonend|woont|woon|wonen|lives|live) (?:te|in) ((?:'s-)?\p{Lu}[\p{L}'\-]*(?:[ -](?:aan|den|op|in|bij) \p{Lu}[\p{L}'\-]*|[ -]\p{Lu}[\p{L}'\-]*){0,2})/gu;
const NOT_A_CITY = /^(?:nederland|holland|belgie|belgië|duitsland|spanje|frankrijk|engeland|turkije|marokko|canada|amerika|the netherlands|netherlands|belgium|germany|spain|france|england|uk|the uk|een|het|de)$/;

/**
 * Every address-like hit in `text` (IBANs, e-mail addresses and references already masked),
 * except those on a postcode in `ourPostcodes`.
 */
export function findAddresses(text: string, ourPostcodes: ReadonlySet<string>): AddressHit[] {
  const hits: AddressHit[] = [];
  const starts = lineStarts(text);
  const lines = text.split('\n');
  const used: Span[] = [];

  for (let li = 0; li < lines.length; li++) {
    const line = lines[li] ?? '';
    const lineStart = starts[li] ?? 0;
    for (const m of line.matchAll(POSTCODE)) {
      const digits = m[1] ?? '';
      const letters = m[2] ?? '';
      if (NEVER_ISSUED.has(letters.toUpperCase())) continue;
      const postcode = normalisePostcode(digits, letters);
      const afterPostcode = line.slice(m.index + m[0].length, m.index + m[0].length + CITY_WINDOW);
      // A postcode that ends its line may have its city at the start of the next (a wrapped
      // line): only a name that ends there or before a comma or bracket ('Enschede (BSN …'),
      // not the first word of a sentence, a label or a closing ('Ik woon…', 'Tel 06…').
      const city = cityAfter(afterPostcode) ?? (afterPostcode.trim() === '' ? cityOnNextLine(lines[li + 1] ?? '') : null);
      const beforeStart = Math.max(0, m.index - STREET_WINDOW);
      const before = line.slice(beforeStart, m.index);
      // Lower-case letters ('3511 nk') only count right after a house number and before a city;
      // otherwise 'sinds 2019 in Spanje' would hold a postcode.
      const lowerCase = letters !== letters.toUpperCase();
      if (lowerCase && (city === null || !HOUSE_NUMBER_AT_END.test(before))) continue;
      let street: string | null = null;
      let houseNumber: string | null = null;
      let shape: AddressHit['shape'] = 'inline';
      let start = lineStart + m.index;
      let pobox = false;
      let streetUnreadable = false;
      const sameLine = HOUSE_NUMBER_AT_END.exec(before);
      if (sameLine?.[1] !== undefined) {
        street = streetBefore(before.slice(0, sameLine.index));
        houseNumber = squashNumber(sameLine[1]);
        if (street) start = lineStart + beforeStart + before.lastIndexOf(street, sameLine.index);
        pobox = /\b(?:postbus|antwoordnummer|p\.?o\.? box)\s*$/i.test(before.slice(0, sameLine.index));
      } else if (beforeStart === 0 && (before.trim() === '' || /^\s*(?:postcode|adres|address)?\s*:?\s*$/i.test(before))) {
        // Postcode at the start of the line: the street is on the line above (a sender block).
        let prev = li - 1;
        while (prev >= 0 && (lines[prev] ?? '').trim() === '' && li - prev < 2) prev--;
        const above = streetLineOf((lines[prev] ?? '').slice(-STREET_WINDOW));
        pobox = /^\s*(?:postbus|antwoordnummer|p\.?o\.? box)\b/i.test(above);
        for (const h of above.matchAll(HOUSE_NUMBER_ANYWHERE)) {
          const s = streetBefore(above.slice(0, h.index));
          if (s && h[1] !== undefined) {
            street = s;
            houseNumber = squashNumber(h[1]);
            start = (starts[prev] ?? 0) + Math.max(0, (lines[prev] ?? '').indexOf(s));
            shape = 'block';
          }
        }
        // The line above a sender block's postcode is its street line: holding digits but
        // no readable street, it is one OCR could not read, and the agent should look.
        if (street === null && !pobox && /\d/.test(above)) streetUnreadable = true;
      }
      if (street === null) houseNumber = null;
      const cityEnd = !city ? 0 : afterPostcode.includes(city) ? afterPostcode.indexOf(city) + city.length : line.length - m.index - m[0].length + 1 + (lines[li + 1] ?? '').indexOf(city) + city.length;
      const end = lineStart + m.index + m[0].length + cityEnd;
      // Our own address and P.O. boxes are skipped, but their street is not read again as prose.
      used.push({ start, end });
      if (pobox || ourPostcodes.has(postcode)) continue;
      hits.push({ start, end, street, houseNumber, postcode, city, tier: street ? 1 : 2, shape, ...(streetUnreadable ? { streetUnreadable } : {}) });
    }
  }

  // Streets in prose without a postcode: only with a Dutch street-name ending.
  // Postcode hits were found line by line, so `used` is already sorted by start.
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li] ?? '';
    const lineStart = starts[li] ?? 0;
    for (const h of line.matchAll(HOUSE_NUMBER_ANYWHERE)) {
      const pos = lineStart + h.index;
      if (overlapsAny(used, { start: pos, end: pos + 1 })) continue;
      const windowStart = Math.max(0, h.index - STREET_WINDOW);
      const street = streetBefore(line.slice(windowStart, h.index));
      if (!street || h[1] === undefined) continue;
      const lastWord = fold(street.split(' ').pop() ?? '');
      if (!STREET_SUFFIX.test(lastWord)) continue;
      const rest = line.slice(h.index + h[0].length, h.index + h[0].length + CITY_WINDOW);
      const cityM = /^,? (?:te|in) ((?:'s-)?\p{Lu}[\p{L}'\-]*(?: (?:aan|den|op) \p{Lu}[\p{L}'\-]*| \p{Lu}[\p{L}'\-]*)?)/u.exec(rest);
      const city = cityM?.[1] && !NOT_A_CITY.test(fold(cityM[1])) ? cityM[1] : null;
      hits.push({
        start: lineStart + windowStart + line.slice(windowStart, h.index).lastIndexOf(street),
        end: pos + h[0].length,
        street,
        houseNumber: squashNumber(h[1]),
        postcode: null,
        city,
        tier: 3,
        shape: 'prose',
      });
    }
  }

  for (const m of text.matchAll(CITY_CUE)) {
    const city = m[1] ?? '';
    if (NOT_A_CITY.test(fold(city))) continue;
    hits.push({ start: m.index, end: m.index + m[0].length, street: null, houseNumber: null, postcode: null, city, tier: 4, shape: 'city' });
  }
  return [...withPostcodesJoined(hits, text), ...foreignAddresses(lines, starts)];
}

/** Countries a KCC correspondent abroad writes from, as they write them (lower case, folded). */
const FOREIGN_COUNTRY = /^(?:belgie|belgium|belgique|duitsland|germany|deutschland|spanje|spain|espana|frankrijk|france|luxemburg|luxembourg|oostenrijk|austria|osterreich|zwitserland|switzerland|schweiz|suisse|italie|italy|italia|portugal|denemarken|denmark|danmark|zweden|sweden|sverige|noorwegen|norway|norge|polen|poland|polska)$/;
/** A foreign postcode and city: four or five digits (Portugal 4-3), then the place. */
const FOREIGN_POSTAL = /^(?:[A-Z]{1,2}-)?(\d{4,5}(?:-\d{3})?)\s+(\p{Lu}[\p{L}'.\-]*(?:[ -]\p{Lu}[\p{L}'.\-]*){0,3})$/u;
/** Street and number abroad: 'Schillerstraße 41', 'Calle de Alcalá 155', 'Kapelstraat 14 bus 3', 'Rue Neuve 12 bte 4'. */
const FOREIGN_STREET = /^(\p{Lu}[\p{L}'.\-]*(?:\s(?:[\p{Ll}'.]{1,4}\s)?\p{Lu}?[\p{L}'.\-]+){0,4})\s(\d{1,5}[a-zA-Z]?(?:\s?(?:bus|bte|boîte|box)\s?\d{1,4})?)$/u;

/**
 * 'in Duitsland (Hauptstraße 5, 47533 Kleve)': living in / from a country, then within a few words a
 * bracket or colon and street, number, postcode and city. The country is checked against
 * FOREIGN_COUNTRY after the match; every part is bounded.
 */
const COUNTRY_THEN_ADDRESS = /\b(?:in|naar|to)\s+(\p{L}{4,12})(?!\p{L})[^()\n:]{0,40}?[(:]\s{0,3}([^(),:\n]{3,80}?\s\d{1,5}[a-zA-Z]?)\s{0,3},\s{0,3}((?:[A-Z]{1,2}-)?\d{4,5}(?:-\d{3})?\s+\p{Lu}[\p{L}'.\-]*(?:[ -]\p{Lu}[\p{L}'.\-]*){0,3})\s{0,3}(?:[).,]|$)/u;

/** Indices of the `n` non-empty lines above line `li`, nearest first, skipping one blank line between each. */
function previousLines(lines: readonly string[], li: number, n: number): number[] {
  const out: number[] = [];
  let k = li - 1;
  while (out.length < n && k >= 0) {
    if ((lines[k] ?? '').trim() === '') {
      if (k - 1 >= 0 && (lines[k - 1] ?? '').trim() === '') break;
      k--;
      continue;
    }
    out.push(k);
    k--;
  }
  return out;
}

/** Addresses abroad that end in a country name (on its own line, or after a comma on the postcode's line). */
function foreignAddresses(lines: readonly string[], starts: readonly number[]): AddressHit[] {
  const hits: AddressHit[] = [];
  for (let li = 0; li < lines.length; li++) {
    const line = (lines[li] ?? '').slice(0, 300).trim().replace(/[.]$/, '');
    // One line: 'Schillerstraße 41, 50667 Köln, Germany'.
    const parts = line.split(/\s*,\s*/);
    let street: RegExpExecArray | null = null;
    let postal: RegExpExecArray | null = null;
    let startLine = li;
    let country: string | null = null;
    if (parts.length >= 3 && FOREIGN_COUNTRY.test(fold(parts[parts.length - 1] ?? ''))) {
      country = parts[parts.length - 1] ?? null;
      postal = FOREIGN_POSTAL.exec(parts[parts.length - 2] ?? '');
      const streetText = (parts[parts.length - 3] ?? '').replace(/^.*?\b(?:is|at|op|aan|:)\s+/u, '');
      street = FOREIGN_STREET.exec(streetText);
    } else if (li >= 2 && FOREIGN_COUNTRY.test(fold(line))) {
      // Three lines: street and number, postcode and city, country; OCR may put a blank line
      // between them (one at most each).
      const above = previousLines(lines, li, 2);
      postal = FOREIGN_POSTAL.exec((lines[above[0] ?? -1] ?? '').slice(0, 200).trim());
      street = FOREIGN_STREET.exec((lines[above[1] ?? -1] ?? '').slice(0, 200).trim());
      startLine = above[1] ?? li;
      country = line;
    }
    if (!postal && !street) {
      // The country named first in the sentence: 'Ik woon in Duitsland (Hauptstraße 5, 47533 Kleve)', 'I live in Belgium: Kapelstraat 14, 2018 Antwerpen'.
      const m = COUNTRY_THEN_ADDRESS.exec(line);
      if (m && FOREIGN_COUNTRY.test(fold(m[1] ?? ''))) {
        street = FOREIGN_STREET.exec((m[2] ?? '').trim());
        postal = FOREIGN_POSTAL.exec((m[3] ?? '').trim());
        country = m[1] ?? null;
      }
    }
    if (!postal || !street || NOT_STREET.has(fold((street[1] ?? '').split(' ')[0] ?? ''))) continue;
    const start = (starts[startLine] ?? 0) + Math.max(0, (lines[startLine] ?? '').indexOf(street[1] ?? ''));
    hits.push({ start, end: (starts[li] ?? 0) + (lines[li] ?? '').length, street: street[1] ?? null, houseNumber: street[2] ?? null, postcode: postal[1] ?? null, city: postal[2] ?? null, country, tier: 1, shape: 'foreign' });
  }
  return hits;
}

/**
 * What may stand between a street and number in prose and a postcode after them: the city
 * ('Kerkstraat 5b te Zwolle, 8011 AB', 'Heezerweg 233 in Eindhoven (5643 KE)') or, in a
 * signature, a one-word city and a comma on the next line before the postcode ('Dorpsweg 41'
 * / 'Oudega, 9216 VD'; not 'Piet Bakker, 8011 AB', which is a name).
 */
const BETWEEN_STREET_AND_POSTCODE = /^[ ,(]*(?:(?:te|in) )?((?:'s-)?\p{Lu}[\p{L}'\-]*(?:[ -]\p{Lu}[\p{L}'\-]*){0,2})?[ ,(]*(?:postcode:? ?)?(?:\n[ ]*(?:((?:'s-)?\p{Lu}[\p{L}'\-]*),[ ]*)?)?$/u;

/**
 * A street and number found in prose (tier 3) followed closely by a postcode without a
 * street (tier 2) are one address: joined into a tier-1 hit, the city from either.
 */
function withPostcodesJoined(hits: AddressHit[], text: string): AddressHit[] {
  const prose = hits.filter((h) => h.tier === 3);
  if (prose.length === 0) return hits;
  const out: AddressHit[] = [];
  const joined = new Set<AddressHit>();
  for (const p of hits) {
    if (p.tier !== 2) continue;
    const s = prose.find((x) => !joined.has(x) && x.end <= p.start && p.start - x.end <= 60);
    if (!s) continue;
    const m = BETWEEN_STREET_AND_POSTCODE.exec(text.slice(s.end, p.start));
    if (!m) continue;
    const cityBetween = m[1] ?? m[2] ?? null;
    const city = p.city ?? cityBetween ?? s.city;
    if (s.city && city && fold(s.city) !== fold(city)) continue; // two different places: not one address
    joined.add(s).add(p);
    out.push({ start: s.start, end: p.end, street: s.street, houseNumber: s.houseNumber, postcode: p.postcode, city, tier: 1, shape: text.slice(s.end, p.start).includes('\n') ? 'block' : 'inline' });
  }
  return [...hits.filter((h) => !joined.has(h)), ...out];
}

/** Words just before an address that say it is no longer where the person lives. */
const OLD_ADDRESS_CUE = /\b(?:oude|vorige|voormalige|old|previous|former)\s+(?:adres|woonadres|address)\b([^\n]{0,40})$|\b(?:woonde|lived)\b([^\n]{0,40})$/iu;
/** Between an old-address cue and an address: the cue's sentence ended ('…; my new address is', '… years. I now live'). */
const CUE_ENDED = /[;!?]|\.\s+\p{Lu}/u;
/** Between an old-address cue and an address: words that make the address after them the new one. */
const NOW_CUE = /\b(?:woon(?:t|en)? nu|nu op|nu in|nu aan|nieuwe (?:woon)?adres|new address|now live|i now|currently live|huidige (?:woon)?adres|current address|naar)\b/iu;

/**
 * The best hit: lowest tier first, then the earliest. An address introduced as the old one
 * ('mijn oude adres, Ringweg 8', 'sent to my old address (Biltstraat 45, ...)') is not taken,
 * even when it is the only one.
 */
export function bestAddress(hits: readonly AddressHit[], text: string): AddressHit | null {
  const isOld = (h: AddressHit): boolean => {
    const cue = OLD_ADDRESS_CUE.exec(text.slice(Math.max(0, h.start - 60), h.start));
    if (cue === null) return false;
    // 'mijn oude adres is verkocht, ik woon nu op …': what follows the cue is the new address.
    const gap = cue[1] ?? cue[2] ?? '';
    return !CUE_ENDED.test(gap) && !NOW_CUE.test(gap);
  };
  // An address introduced as the old one is not where to reach the person: never taken.
  const current = hits.filter((h) => !isOld(h));
  // An address abroad only when the text holds no Dutch one (a company's letterhead abroad or
  // a relative's address must not outrank the citizen's own).
  const dutch = current.some((h) => h.shape !== 'foreign' && h.tier <= 2);
  let best: AddressHit | null = null;
  for (const h of current) {
    if (dutch && h.shape === 'foreign') continue;
    if (best === null || h.tier < best.tier || (h.tier === best.tier && h.start < best.start)) best = h;
  }
  return best;
}
