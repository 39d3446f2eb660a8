/**
 * Partial masking of contact details where a list shows them (issue #16): the queue, search
 * results and the API's lists show "s***@example.nl" and "06-******78"; only the case view
 * shows them in full (register M1533: contact details only when needed to answer, and a
 * list is not where one answers). BSNs are redacted before anything is stored (bsn.ts).
 *
 * Linear: each pattern is bounded and has no nested quantifiers.
 */

const EMAIL = /(?<![\p{L}\p{N}._%+-])([\p{L}\p{N}._%+-]{1,64})@((?:[\p{L}\p{N}-]{1,63}\.){1,8}\p{L}{2,63})(?![\p{L}\p{N}])/gu;
// A run that starts and ends with a digit, with spaces, dots, hyphens or brackets between,
// optionally after + (international): 9 to 15 digits is a phone number (E.164 has at most 15).
const PHONE = /(?<![\p{L}\p{N}-])\+?\d(?:[ ().-]{0,2}\d){7,16}(?![\p{N}])/gu;

/** The first character of the local part, then *** and the domain: enough to tell two addresses apart. */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${address.slice(0, 1)}***${address.slice(at)}`;
}

/** Every digit but the last two hidden; separators kept so the shape stays readable. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').length;
  let seen = 0;
  return phone.replace(/\d/g, (d) => (++seen > digits - 2 ? d : '*'));
}

/** A text (a subject line) with every e-mail address and phone number in it partly masked. */
export function maskContactDetails(text: string): string {
  return text
    .replace(EMAIL, (m) => maskEmail(m))
    .replace(PHONE, (m) => {
      const n = m.replace(/\D/g, '').length;
      return n >= 9 && n <= 15 ? maskPhone(m) : m;
    });
}
