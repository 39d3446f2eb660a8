/**
 * Redaction of free text that must hold no identifiers: BSN and IBAN exactly as intake does
 * (bsn.ts, iban.ts), plus e-mail addresses and phone numbers, which intake keeps because it
 * needs them to answer but a text that is only an opinion (the survey's free text) must not.
 * One function, so every caller redacts the same way.
 */
import { redactBsn } from './bsn.ts';
import { redactIban } from './iban.ts';
import { findPhones } from './phone.ts';
import { capText } from './text.ts';

// Linear: one bounded local part, one bounded domain; no nested quantifiers.
const EMAIL = /[\p{L}\p{N}._%+-]{1,64}@[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63}){1,8}/gu;

export function redactEmail(text: string): string {
  return text.replace(EMAIL, '[E-MAIL]');
}

export function redactPhone(text: string): string {
  const hits = findPhones(text);
  if (hits.length === 0) return text;
  let out = '';
  let pos = 0;
  for (const h of hits) {
    if (h.start < pos) continue;
    out += `${text.slice(pos, h.start)}[TELEFOON]`;
    pos = h.end;
  }
  return out + text.slice(pos);
}

/**
 * BSN, IBAN, e-mail and phone numbers replaced by markers. Order matters: IBANs and e-mail
 * addresses first, so their digits are not read as phone numbers or BSNs.
 */
export function redactIdentifiers(text: string, maxChars?: number): string {
  return redactPhone(redactBsn(redactEmail(redactIban(capText(text, maxChars)))));
}
