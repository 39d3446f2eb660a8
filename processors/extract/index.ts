/**
 * Contact-detail extraction: who wrote, for whom, and how to reach them.
 *
 * Input is the writer's own text as plain text (the parse stage has removed quoted history
 * and resolved forwards; OCR has turned letters into text). Output is what register M1533
 * allows the KCC to hold to answer the question: name, address, e-mail, phone numbers, and
 * a BSN when one was given (it is kept only for hand-over to second-line support; callers
 * drop it otherwise). IBANs are never extracted: the register allows no bank details.
 *
 * Everything here is rule-based and explainable: `found` says which rule produced each field
 * (never the value). Every pattern is bounded and the text is capped, so run time is
 * linear in the input.
 */
import { InputError } from '../../lib/errors.ts';
import { isValidBsn, redactBsn, findBsns } from './bsn.ts';
import { findIbans, redactIban } from './iban.ts';
import { findPhones, toE164 } from './phone.ts';
import { findAddresses, bestAddress } from './address.ts';
import type { AddressHit } from './address.ts';
import { findClosings, letterheadName, displayName, mergeNames, signatureName } from './name.ts';
import { properCase, reconcileNames } from './reconcile.ts';
import type { OcrWord } from './reconcile.ts';
import { findOcrEmails, chooseEmail } from './ocr-email.ts';
import { letterRepresentative, senderBlock } from './ocr-letter.ts';
import { quotedAddress, citizenQuotedTexts } from './quoted.ts';
import { findRepresentative, nearestPerson, nearestPersonIsSubject, CONTACT_OWNER_WINDOW, MENTIONS_RELATIVE, THIRD_PERSON_CONTACT, THIRD_PERSON_NUMBER } from './representative.ts';
import { capText, normaliseText, maskSpans, overlapsAny, MAX_NAME_CHARS, MAX_ADDRESS_CHARS } from './text.ts';
import type { Span } from './text.ts';

export { isValidBsn, redactBsn, redactIban };
export type { OcrWord };
export { redactIdentifiers, redactEmail, redactPhone } from './redact.ts';
export { maskContactDetails, maskEmail, maskPhone } from './mask.ts';

/**
 * The one redaction of stored citizen text (redactIdentifiers, above, also removes e-mail and phone
 * for text that must hold none): BSNs (elfproef) to '[BSN]', IBANs to '[IBAN]'.
 * The plain text, the subject and the kept HTML's text nodes all go through this function,
 * so what an agent reads in either form is redacted the same way.
 */
export function redactStoredText(text: string): string {
  return redactIban(redactBsn(text));
}

/** Whether a display name reads as a person's (not an address, an organisation, a team or a machine). */
export function isPersonName(name: string): boolean {
  return displayName(name) !== null;
}

/** Whether the text is written for, or mentions, someone close to the writer ('namens mijn vader', 'kunnen jullie mijn moeder helpen'). */
export function concernsSomeoneElse(text: string): boolean {
  return findRepresentative(text) !== null || MENTIONS_RELATIVE.test(text);
}

export interface Citizen {
  name: string | null;
  street: string | null;
  house_number: string | null;
  /** '2511DP' form: no space, upper case; abroad as written ('50667'). */
  postcode: string | null;
  city: string | null;
  /** Only for an address abroad, as written ('Germany'); null otherwise. */
  country: string | null;
  email: string | null;
  /** E.164 ('+31612345678'), default region NL. */
  phones: string[];
  bsn: string | null;
}

export interface ExtractInput {
  channel: 'email' | 'letter';
  fromName: string | null;
  fromAddress: string | null;
  subject: string;
  /** The writer's own text, plain. */
  text: string;
  /**
   * The KCC's own contact points, never the citizen's: e-mail addresses ('kcc@logius.nl'),
   * domains ('logius.nl' or '@logius.nl', subdomains included), phone numbers (any
   * writing libphonenumber understands) and postcodes ('2500 EA').
   */
  ourAddresses?: string[];
  /**
   * E-mail only: what the parse stage set aside as quoted history. The citizen's own earlier
   * message in it (attributed to the same address) can give the address the new one leaves
   * out; our own quoted messages and signature never count.
   */
  quoted?: string;
  /**
   * Letters only: the OCR's words with their confidence (0..100), when the OCR reports them.
   * Used to decide between two spellings of the writer's name ('Klaassen' / 'Kiaassen').
   */
  words?: OcrWord[];
}

/** A contact field the extractor left empty because what the text holds could not be read with confidence. */
export type UncertainField = 'name' | 'street' | 'house_number' | 'postcode' | 'city' | 'email' | 'phones' | 'bsn';

export interface Extraction {
  citizen: Citizen;
  /** The writer's name when someone writes for another person. */
  onBehalfOf: string | null;
  representative: { name: string | null; email: string | null; relation: string | null } | null;
  /** Which fields were found and by which rule, e.g. 'name:closing'; never values. */
  found: string[];
  /**
   * Fields left empty on purpose for the agent to check: the text has something there
   * (an address line OCR could not read, two different e-mail readings, two BSNs of which
   * neither is clearly the citizen's), and a guess would be worse than nothing.
   */
  uncertain: UncertainField[];
}

/** Entries of `ourAddresses` beyond this are ignored: a configuration list, not data. */
const MAX_OUR_ADDRESSES = 1000;

interface Ours {
  emails: Set<string>;
  domains: string[];
  phones: Set<string>;
  postcodes: Set<string>;
}

function parseOurs(list: readonly string[] | undefined): Ours {
  const ours: Ours = { emails: new Set(), domains: [], phones: new Set(), postcodes: new Set() };
  for (const raw of (list ?? []).slice(0, MAX_OUR_ADDRESSES)) {
    if (typeof raw !== 'string') continue;
    const s = raw.trim().toLowerCase();
    const pc = /^([1-9]\d{3}) ?([a-z]{2})$/.exec(s);
    if (pc) ours.postcodes.add(`${pc[1]}${(pc[2] ?? '').toUpperCase()}`);
    else if (/^[^@\s]+@[^@\s]+$/.test(s)) ours.emails.add(s);
    else if (/^@?[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(s)) ours.domains.push(s.replace(/^@/, ''));
    else {
      const e164 = toE164(raw);
      if (e164) ours.phones.add(e164);
    }
  }
  return ours;
}

/** Whether an address is one of the KCC's own (`ourAddresses` as ExtractInput takes them). */
export function isOurAddress(address: string, ourAddresses: readonly string[]): boolean {
  return isOurs(address, parseOurs(ourAddresses));
}

function isOurs(address: string, ours: Ours): boolean {
  const a = address.toLowerCase();
  if (ours.emails.has(a)) return true;
  const domain = a.slice(a.lastIndexOf('@') + 1);
  return ours.domains.some((d) => domain === d || domain.endsWith(`.${d}`));
}

/** Senders nobody reads: replies to them go nowhere. */
const NO_REPLY = /^(?:no-?reply|do-?not-?reply|mailer-daemon|postmaster|bounces?)(?:[+._-][^@]*)?@/i;

/** An e-mail address; every part bounded (RFC 5321: local part 64, labels 63). */
const EMAIL = /(?<![\p{L}\p{N}._%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}(?![\p{L}\p{N}\-])/gu;
/** Links are masked so their digits are not read; 500 characters covers real ones, the rest of a longer one stays unmasked. */
const URL = /\b(?:https?:\/\/|www\.)[^\s<>"]{1,500}/giu;
/**
 * References that look like phone numbers or BSNs but are not: case numbers ('KCC-2026-000123'),
 * dates ('06-01-2026'), numbers joined by hyphens that do not start with a trunk 0
 * ('2026-00045781'), Chamber of Commerce numbers. Masked before phones and addresses are read.
 */
const REFERENCES = [
  /\b[A-Z]{2,10}-\d{2,}(?:-\d{1,12}){0,4}\b/gu,
  /(?<![\p{N}+\-./])\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})(?![-/.]?\d)/gu,
  /(?<![\p{N}+\-./])\d{4}-\d{2}-\d{2}(?![-/.]?\d)/gu,
  // Four digits or more before the first hyphen: house numbers like '263-1' stay readable.
  // Not a Portuguese postcode before its place ('1200-195 Lisboa'): the address rules read it.
  /(?<![\p{N}+\-./])(?!\d{4}-\d{3} \p{Lu})[1-9]\d{3,11}(?:-\d{1,12}){1,4}(?![\p{N}])/gu,
  /\bkvk(?:-?nummer|-?nr\.?)?[: ]{0,3}\d{8}\b/giu,
];
/** Words that make an e-mail address in the text the writer's own. Given a 60-character window only (`(?:^|\n)\s*` is slow on long text). */
const SELF_EMAIL_CUE = /(?:\b(?:mijn|my)\s+(?:nieuwe\s+|new\s+|eigen\s+|own\s+|privé\s+|prive\s+)?(?:e-?mail(?:adres)?|mailadres|email address|e-mail address)\s*(?:is|:)?\s*|(?:^|\n)\s*e-?mail(?:adres)?\s*:\s*|(?:\b(?:reach|contact|e-?mail)\s+me\b|\b(?:mij|me)\s+(?:\S+\s+){0,3}bereiken\b|\bik\s+ben\s+(?:\S+\s+){0,3}(?:bereikbaar|te bereiken)\b|(?:^|\n)\s*(?:bereikbaar|te bereiken)\b)[^\n@]{0,40}\b(?:e-?mail|mail)\s*(?:at|op|via|:)?\s*)$/iu;
/**
 * Words by which the writer asks for replies at an address other than the one they wrote
 * from ('please reply to my private address …', 'mijn nieuwe e-mailadres is …'): only an
 * explicit "my" and "reply"/"new", so a phisher's 'reply to …' or a dead 'mijn e-mailadres …
 * bestaat niet meer' never replaces the sender. Given a 60-character window only (like
 * SELF_EMAIL_CUE: on long text `\s*` patterns like these are slow).
 */
const REPLY_HERE_CUE = /(?:\b(?:reply|respond|write|antwoord(?:en)?|reageer|reageren|mail)\b[^\n@]{0,20}\b(?:to|naar|op|aan)\s+(?:my|mijn)\s+(?:[\p{L}é-]{2,12}\s+){0,2}(?:e-?mail(?:adres)?|mailadres|email address|e-mail address|address|adres)|\b(?:mijn|my)\s+(?:nieuwe|new)\s+(?:e-?mail(?:adres)?|mailadres|email address|e-mail address))\s*(?:is|:|,)?\s*$/iu;

/** A block the writer heads with their own details. */
const OWN_DETAILS_BLOCK = /^[ \t]*(?:mijn (?:contact)?gegevens|mijn adres(?:gegevens)?|my (?:contact )?details)[ \t]*:?[ \t]*$/imu;

/** Relations that are the writer's children, and the writer's parents: the other side's role words are the writer's. */
const CHILD_RELATION = /^(?:zoon|dochter|kind|son|daughter|child|pupil)$/;
const PARENT_RELATION = /^(?:ouder|parent|moeder|vader|mother|father|mum|mom|dad|oma|opa|grootmoeder|grootvader|grandmother|grandfather|grandma|grandpa|schoonmoeder|schoonvader|mother-in-law|father-in-law)$/;
const PARENT_ROLE = /^(?:ouder|vader|moeder|verzorger|parent|father|mother)$/;
const CHILD_ROLE = /^(?:kind|zoon|dochter|child|son|daughter)$/;

/** Whether a BSN label's role word ('ouder', 'aanvrager') names the writer, given whom they write for. */
function writersRole(role: string, relation: string): boolean {
  if (role === 'aanvrager' || role === 'applicant') return true;
  if (CHILD_RELATION.test(relation)) return PARENT_ROLE.test(role);
  if (PARENT_RELATION.test(relation)) return CHILD_ROLE.test(role);
  return false;
}

/** The text as the address rules read it: e-mail addresses, bank accounts, links and references masked. */
function maskForAddresses(text: string): string {
  const base = maskSpans(text, [...spansOf(text, EMAIL), ...findIbans(text), ...spansOf(text, URL)]);
  return maskSpans(base, REFERENCES.flatMap((re) => spansOf(base, re)));
}

function spansOf(text: string, re: RegExp): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(re)) out.push({ start: m.index, end: m.index + m[0].length });
  return out;
}

function optionalString(v: unknown, max: number): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  return s === '' || s.length > max ? null : s;
}

/** End of a letter's first block (the sender's name and address, top left). */
function letterheadEnd(text: string): number {
  const m = /\S[\s\S]*?\n\s*\n/.exec(text.slice(0, 2000));
  return m ? m.index + m[0].length : 0;
}

export function extractContact(input: ExtractInput): Extraction {
  if (typeof input !== 'object' || input === null || typeof input.text !== 'string') {
    throw new InputError('EXTRACT_INPUT_INVALID', 'extractContact needs an object with a text string');
  }
  if (input.channel !== 'email' && input.channel !== 'letter') {
    throw new InputError('EXTRACT_INPUT_INVALID', 'channel must be email or letter');
  }
  const found: string[] = [];
  const text = normaliseText(capText(input.text));
  const ours = parseOurs(input.ourAddresses);
  const fromName = optionalString(input.fromName, MAX_NAME_CHARS);
  const fromAddressRaw = optionalString(input.fromAddress, MAX_ADDRESS_CHARS);
  const fromAddress = fromAddressRaw && /^[^@\s]+@[^@\s]+$/.test(fromAddressRaw) ? fromAddressRaw : null;
  const fromIsOurs = fromAddress !== null && isOurs(fromAddress, ours);
  const usableFrom = fromAddress !== null && !fromIsOurs && !NO_REPLY.test(fromAddress) ? fromAddress : null;

  // Mask what must never be read as a phone, BSN or address: bank accounts, e-mail
  // addresses, links and references. Offsets stay the same.
  const letter = input.channel === 'letter';
  const emails: Array<Span & { address: string }> = [];
  // OCR mangles '@' and dots: a letter's addresses are read by the tolerant pattern.
  if (letter) emails.push(...findOcrEmails(text));
  else for (const m of text.matchAll(EMAIL)) emails.push({ start: m.index, end: m.index + m[0].length, address: m[0] });
  const uncertain = new Set<UncertainField>();
  const ibanSpans = findIbans(text);
  const baseMasked = maskSpans(text, [...ibanSpans, ...emails, ...spansOf(text, URL)]);
  const refSpans = REFERENCES.flatMap((re) => spansOf(baseMasked, re));
  const masked = maskSpans(baseMasked, refSpans);

  // Closings: the writer's name, and where the writer's own signature starts.
  // A message from our own address was written by a colleague: its closing is theirs.
  const closings = fromIsOurs ? [] : findClosings(text);
  const named = closings.find((c) => c.name !== null) ?? null;
  const signature = named || fromIsOurs ? null : signatureName(text, fromName, fromAddress);
  const sigStart = named?.start ?? closings[0]?.start ?? signature?.start ?? text.length;
  // Letters: the sender block as OCR lays it out (blank lines inside it, a date line above it): ocr-letter.ts.
  const block = letter ? senderBlock(text) : null;
  const letterhead = letter && !fromIsOurs ? (block?.name ?? letterheadName(text)) : null;
  const display = fromIsOurs ? null : displayName(fromName);
  const closingName = named?.name ?? signature?.name ?? null;
  // A letter names its writer twice (sender block, signature): the fullest form they give,
  // with OCR noise between the two readings reconciled.
  const reconciled = letterhead && closingName ? reconcileNames(letterhead, closingName, text, input.words) : null;
  const merged = mergeNames(reconciled?.name ?? closingName ?? letterhead, display);
  const writer = { ...merged, name: properCase(merged.name) };
  const writerSource = reconciled ? 'letterhead+closing' : named?.name ? writer.source : signature ? 'signature' : letterhead ? 'letterhead' : writer.source;

  const found0 = findRepresentative(text.slice(0, sigStart));
  // A relative only mentioned ('Mijn man (Joop) krijgt al AOW') by a writer who lists their
  // own details ('Mijn gegevens:') is context: the writer asks for themselves.
  const repHit = found0 && found0.kind === 'subject' && OWN_DETAILS_BLOCK.test(text.slice(0, sigStart)) ? null : found0;
  // Letters: an unnamed 'voor mijn …' keeps the writer as the citizen (ocr-letter.ts letterRepresentative).
  const rep = letter ? letterRepresentative(repHit) : repHit;
  const headEnd = letter ? Math.max(letterheadEnd(text), block?.end ?? 0) : 0;
  /** In a representative's message, the signature and letterhead hold the writer's details, not the citizen's. */
  const aboutCitizen = (s: Span): boolean => !rep || (s.start < sigStart && s.start >= headEnd);
  const cuedForCitizen = (s: Span): boolean => {
    if (!rep) return true;
    const window = text.slice(Math.max(0, s.start - 80), s.start);
    if (!aboutCitizen(s)) return false;
    if (THIRD_PERSON_CONTACT.test(window.slice(window.lastIndexOf('\n') + 1))) return true;
    // 'haar vaste nummer is …', 'Wilt u hem antwoorden op …', a block under 'Gegevens van mijn moeder:'.
    return nearestPersonIsSubject(text.slice(Math.max(0, s.start - CONTACT_OWNER_WINDOW), s.start), rep.subjectName, writer.name);
  };

  const citizen: Citizen = {
    name: null,
    street: null,
    house_number: null,
    postcode: null,
    city: null,
    country: null,
    email: null,
    phones: [],
    bsn: null,
  };

  // Name.
  if (rep) {
    citizen.name = properCase(rep.subjectName);
    if (rep.subjectName) found.push('name:representative-subject');
    found.push(`representative:${rep.kind}`);
    if (writer.name) found.push(`on_behalf_of:${writerSource}`);
  } else if (writer.name) {
    citizen.name = writer.name;
    found.push(`name:${writerSource}`);
  }

  // E-mail.
  const textEmails = emails.filter((e) => !isOurs(e.address, ours) && !NO_REPLY.test(e.address));
  const windowBefore = (e: Span) => text.slice(Math.max(0, e.start - 60), e.start);
  const cued = (e: Span): boolean => SELF_EMAIL_CUE.test(windowBefore(e)) || REPLY_HERE_CUE.test(windowBefore(e));
  let selfEmail: string | null;
  if (letter) {
    // A letter writer's own address stands in the sender block, under the signature or
    // behind a cue; when its readings disagree beyond OCR noise, the agent decides.
    const choice = chooseEmail(textEmails.filter((e) => e.start < Math.max(headEnd, 1) || e.start >= sigStart || cued(e)), writer.name);
    selfEmail = choice.address;
    if (choice.uncertain && !rep) uncertain.add('email');
  } else selfEmail = textEmails.find(cued)?.address ?? null;
  // An address the writer explicitly asks replies to go to wins over the one they wrote from.
  const replyHere = textEmails.find((e) => REPLY_HERE_CUE.test(windowBefore(e)))?.address ?? null;
  const writerEmail = replyHere ?? usableFrom ?? selfEmail;
  if (rep) {
    const theirs = textEmails.find((e) => cuedForCitizen(e));
    if (theirs) {
      citizen.email = theirs.address;
      found.push('email:text');
    }
  } else if (writerEmail) {
    citizen.email = writerEmail;
    found.push(writerEmail === usableFrom ? 'email:from' : 'email:text');
  }

  // Phones. Nine-digit tokens cannot be Dutch numbers written with their trunk 0 or country
  // code (those have ten digits or more), so BSNs do not turn up here.
  const allPhones = findPhones(masked);
  // Writing for themselves, a number introduced as 'zijn directe nummer' / 'her number' is
  // someone else's (a staff member's, a relative's); for a representative it is the subject's.
  const someoneElses = (s: Span): boolean => !rep && THIRD_PERSON_NUMBER.test(text.slice(Math.max(0, s.start - 60), s.start).split('\n').pop() ?? '');
  const candidates = allPhones.filter((p) => !ours.phones.has(p.e164)).filter(cuedForCitizen).filter((p) => !someoneElses(p));
  // A switchboard only when it is the one number given.
  const direct = candidates.filter((p) => !p.switchboard);
  const phones = direct.length > 0 ? direct : candidates;
  for (const p of phones) if (!citizen.phones.includes(p.e164)) citizen.phones.push(p.e164);
  if (citizen.phones.length > 0) found.push('phones:text');
  // None in the new message: the citizen's own earlier message in the quoted history (its
  // signature is theirs); our own quoted answers and anyone else's never count.
  if (citizen.phones.length === 0 && !rep && !letter && !fromIsOurs && typeof input.quoted === 'string' && input.quoted !== '') {
    for (const q of citizenQuotedTexts(capText(normaliseText(input.quoted)), { citizenAddress: fromAddress, citizenName: writer.name, isOurs: (a) => isOurs(a, ours) })) {
      const hits = findPhones(maskForAddresses(q)).filter((p) => !ours.phones.has(p.e164) && !THIRD_PERSON_NUMBER.test(q.slice(Math.max(0, p.start - 60), p.start).split('\n').pop() ?? ''));
      const own = hits.filter((p) => !p.switchboard);
      for (const p of own.length > 0 ? own : hits) if (!citizen.phones.includes(p.e164)) citizen.phones.push(p.e164);
      if (citizen.phones.length > 0) {
        found.push('phones:quoted');
        break;
      }
    }
  }

  // Address.
  let addresses: AddressHit[] = findAddresses(masked, ours.postcodes).filter(aboutCitizen);
  if (rep && !letter) {
    // Writing for someone else: an address the text ties to them wins; one the writer calls
    // their own ('Zelf woon ik op …', 'Mijn adres is …') is never the citizen's. 'Wij wonen op …'
    // (a parent and child) stays.
    const owner = (a: AddressHit) => nearestPerson(text.slice(Math.max(0, a.start - CONTACT_OWNER_WINDOW), a.start), rep.subjectName, writer.name);
    const theirs = addresses.filter((a) => owner(a) === 'subject');
    addresses = theirs.some((a) => a.tier <= 2) ? theirs : addresses.filter((a) => owner(a) !== 'writer');
  }
  let addr = bestAddress(addresses, text);
  let addrSource: string | null = addr?.shape ?? null;
  // Nothing in the new message: the citizen's own earlier message in the quoted history.
  if ((!addr || addr.tier > 2) && !rep && input.channel === 'email' && typeof input.quoted === 'string' && input.quoted !== '') {
    const q = quotedAddress(capText(normaliseText(input.quoted)), {
      citizenAddress: fromIsOurs ? null : fromAddress,
      citizenName: writer.name,
      isOurs: (a) => isOurs(a, ours),
      mask: (t) => maskForAddresses(t),
      ourPostcodes: ours.postcodes,
    });
    if (q && (!addr || q.tier < addr.tier)) {
      addr = q;
      addrSource = 'quoted';
    }
  }
  if (addr) {
    citizen.street = properCase(addr.street, false);
    citizen.house_number = addr.houseNumber;
    citizen.postcode = addr.postcode;
    citizen.city = properCase(addr.city);
    citizen.country = addr.country ?? null;
    for (const f of ['street', 'house_number', 'postcode', 'city'] as const) if (citizen[f] !== null) found.push(`${f}:${addrSource}`);
    if (addr.streetUnreadable) {
      uncertain.add('street');
      uncertain.add('house_number');
    }
  }

  // BSN: elfproef-valid standalone nine digits, not introduced as another kind of number.
  // Phone hits come from one left-to-right scan: sorted and disjoint.
  const inPhone = (s: Span): boolean => overlapsAny(allPhones, s);
  // A representative's own BSN ('mijn BSN is …', 'BSN ouder:') is never the citizen's.
  const bsns = findBsns(baseMasked).filter((b) => !inPhone(b) && !(rep && (b.writers || (b.role !== null && writersRole(b.role, rep.relation)))));
  let bsn = bsns.find((b) => b.labelled) ?? bsns[0];
  if (rep && new Set(bsns.map((b) => b.digits)).size > 1) {
    // Two numbers in a representative's message: only one the text ties to the person written about.
    const theirs = bsns.filter((b) => b.role !== null && !writersRole(b.role, rep.relation));
    bsn = new Set(theirs.map((b) => b.digits)).size === 1 ? theirs[0] : undefined;
    if (!bsn) uncertain.add('bsn');
  } else if (!rep && new Set(bsns.map((b) => b.digits)).size > 1 && MENTIONS_RELATIVE.test(text)) {
    // Two numbers and a relative mentioned, but no one written for that the rules see: one of
    // the two may be the relative's. A wrong BSN is worse than none: the agent decides.
    bsn = undefined;
    uncertain.add('bsn');
  }
  if (bsn) {
    citizen.bsn = bsn.digits;
    found.push(bsn.labelled ? 'bsn:labelled' : 'bsn:standalone');
  }

  return {
    citizen,
    onBehalfOf: rep ? writer.name : null,
    representative: rep ? { name: writer.name, email: writerEmail, relation: rep.relation } : null,
    found,
    uncertain: [...uncertain],
  };
}

