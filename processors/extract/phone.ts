/**
 * Phone numbers: a linear candidate scan of our own, then libphonenumber-js (full metadata)
 * to validate and normalise each candidate to E.164, default region NL.
 *
 * We do not use libphonenumber's findPhoneNumbersInText: it is linear but slow on long
 * digit runs, and it accepts national numbers without the trunk 0 ('201998993' as an
 * Amsterdam number), which in Dutch text are nearly always BSNs, order or case numbers.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { fold } from './text.ts';
import type { Span } from './text.ts';

/**
 * A phone number as people write it: starts with '+', '00', '0' or '(0', then 7 to 14 more
 * digits with up to three separators between them ('06 - 41 23 45 67', '+31 (0)6 2345 6789').
 * Not glued to a word, number, '+', or to '-', '.', '/' (which join dates, IBAN groups and
 * references). Bounded quantifiers keep every attempt short, so the scan is linear.
 */
const CANDIDATE = /(?<![\p{L}\p{N}+\-./#@_])(?:\+|\(0|0)(?:[ .\-()]{0,3}\d){7,14}(?!\d)/gu;
/**
 * A message with more number-like candidates than this is not a letter from a person; the
 * rest are not parsed. Keeps the libphonenumber work per message bounded (measured: about
 * 40 µs per candidate).
 */
const MAX_CANDIDATES = 500;
/** After dropping this many trailing digit groups an overlong candidate is given up. */
const MAX_TRIMS = 3;

/** The number belongs to the organisation the citizen contacted, not to the citizen. */
const ORG_NUMBER_BEFORE =
  /(?:helpdesk|servicedesk|klantcontactcentrum|klantenservice|kcc|uw (?:telefoon)?nummer|jullie (?:telefoon)?nummer|your (?:phone )?number|your helpdesk|support line)[^\p{L}\p{N}]{0,4}$/u;
/**
 * An organisation's switchboard ('via onze receptie (0318-612000)', '+31 40 123 4567 (office
 * main line)'): a way to reach the citizen only when they give no other number. Before the
 * number on its line, or in brackets right after it.
 */
const SWITCHBOARD_BEFORE = /(?:receptie|reception|switchboard|telefooncentrale|centrale|hoofdnummer|algemeen nummer|algemene nummer|main line|main number|general number)[^\p{L}\p{N}\n]{0,6}$/u;
const SWITCHBOARD_AFTER = /^\s{0,2}\((?:[^()\n]{0,20}\b)?(?:receptie|reception|switchboard|centrale|hoofdnummer|algemeen|main line|general)\b/u;
/**
 * A number the writer asks us not to call ('please do not call my work number, 030 239
 * 1000', 'niet bellen op 030-…', 'do not call my husband's number 06-…'): the refusal stands
 * right before it. 'Graag niet bellen na 17:00, 06-…' or 'liever niet bellen maar sms'en
 * naar 06-…' are not.
 */
const DO_NOT_CALL_BEFORE = /(?:do not|don't|niet) (?:call|bellen)(?:\s+(?:op|on|at|naar))?(?:\s+(?:mijn|my)\s+[\p{L}']{2,20}(?:\s?nummer|\s+number)?)?[^\p{L}\p{N}\n]{0,6}$/u;

export interface PhoneHit extends Span {
  e164: string;
  /** Introduced as an organisation's switchboard ('receptie', '(algemeen)'): a fallback only. */
  switchboard: boolean;
}

function parseValid(raw: string): string | null {
  const p = parsePhoneNumberFromString(raw, 'NL');
  if (!p) return null;
  if (p.isValid()) return p.number;
  // A Dutch mobile number in full (06 and eight digits) is the citizen's way to be reached
  // even in a block libphonenumber's metadata has not seen issued yet ('06-9…').
  return p.countryCallingCode === '31' && /^6\d{8}$/.test(p.nationalNumber) ? p.number : null;
}

/**
 * Valid phone numbers in `text` (which should already have IBANs, dates and references masked),
 * except those the text itself presents as the organisation's ('uw helpdesk (088 ...)').
 */
export function findPhones(text: string): PhoneHit[] {
  const out: PhoneHit[] = [];
  let candidates = 0;
  for (const m of text.matchAll(CANDIDATE)) {
    if (++candidates > MAX_CANDIDATES) break;
    let raw = m[0];
    let e164 = parseValid(raw);
    for (let i = 0; e164 === null && i < MAX_TRIMS; i++) {
      const shorter = raw.replace(/[ .\-()]{1,3}\d{1,6}\)?$/, '');
      if (shorter === raw) break;
      raw = shorter;
      e164 = parseValid(raw);
    }
    if (e164 === null) continue;
    const before = fold(text.slice(Math.max(0, m.index - 40), m.index));
    if (ORG_NUMBER_BEFORE.test(before)) continue;
    const lineBefore = fold(text.slice(Math.max(0, m.index - 60), m.index)).split('\n').pop() ?? '';
    const after = fold(text.slice(m.index + raw.length, m.index + raw.length + 40));
    if (DO_NOT_CALL_BEFORE.test(lineBefore)) continue;
    out.push({ start: m.index, end: m.index + raw.length, e164, switchboard: SWITCHBOARD_BEFORE.test(lineBefore) || SWITCHBOARD_AFTER.test(after) });
  }
  return out;
}

/** Normalise a configured number of our own to E.164, or null when it is not a phone number. */
export function toE164(raw: string): string | null {
  return parseValid(raw);
}
