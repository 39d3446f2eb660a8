/**
 * Probably not a case, but not certain enough to drop: what the mail filter in front of the
 * mailbox flagged as spam, marketing mail, and ticket systems' receipts that carry no
 * Auto-Submitted header. Unlike noncase.ts (machine mail that never becomes a case), these
 * become cases in the "waarschijnlijk geen zaak" queue, where an agent decides: the register
 * allows no automated decision, and a citizen's real question must not be lost to a filter.
 *
 * Reasons are fixed phrases (never header values): they go on the case, to logs and metrics.
 */
import type { NonCaseInput } from './noncase.ts';

export const SUSPECT_REASONS = ['spam-filter-header', 'bulk-mail', 'ticket-system-receipt'] as const;
export type SuspectReason = (typeof SUSPECT_REASONS)[number];

const MAX_MATCH_CHARS = 2_000;
const cap = (s: string, n = MAX_MATCH_CHARS) => (s.length > n ? s.slice(0, n) : s);
const first = (h: NonCaseInput['headers'], name: string) => h.get(name)?.[0];

// A ticket or case number in a subject: "[Ticket#2026120110000012]", "(#48213)", "Melding 2026-0042 ontvangen", "Request 123456 received".
const TICKET_SUBJECT = /(?:\[\s*(?:ticket|case|request|incident|melding|zaak|call|issue)?\s*#?\s*:?\s*[a-z]{0,6}[-#]?\d{4,}[^\]]{0,20}\]|\(#\d{3,}\)|\b(?:ticket|request|incident|case|melding|zaak|registratie|aanvraag|call|referentie|reference|ref|kenmerk|dossier)(?:nummer|number|nr\.?|-?id)?\s*[#:.]?\s*[a-z]{0,6}-?\d{4,}(?:-\d+)?\b)/i;
// What a receipt says: that something was received and a person will follow, or not to reply.
const RECEIPT_WORDING = /\b(?:we (?:have )?received your (?:request|message|e-?mail|enquiry|ticket)|your (?:request|ticket|message|case)(?: \(?#?[\w-]{2,24}\)?)? (?:has been|was|is) (?:received|registered|created|logged)|(?:is|werd|wordt) (?:in goede orde )?(?:ontvangen|geregistreerd|aangemaakt)|hebben (?:uw|je) (?:e-?mail|bericht|melding|vraag|aanvraag|verzoek) (?:in goede orde )?ontvangen|(?:dit is een|this is an) (?:automatisch(?:e)?|automated|automatic)(?:ally)?(?: gegenereerd(?:e)?| verzonden| generated| sent)? (?:bericht|e-?mail|message|reply|response|notification)|(?:do not|please do not|don't) reply to this (?:e-?mail|message)|(?:gelieve|graag) (?:niet|geen) (?:te )?(?:antwoorden|beantwoorden|reageren)|(?:u kunt|je kunt) (?:niet )?(?:op )?deze (?:e-?mail|mail|bericht) niet (?:beantwoorden|reageren)|(?:u kunt|je kunt) er niet op (?:reageren|antwoorden)|##- ?(?:please type your reply above this line|typ uw antwoord boven deze regel) ?-##)/i;

/** Header values a mail filter sets for spam: SpamAssassin, rspamd's milter, Exchange Online's SCL. */
function spamFilterSaysSpam(h: NonCaseInput['headers']): boolean {
  if (/^\s*yes\b/i.test(first(h, 'x-spam-flag') ?? '')) return true;
  if (/^\s*yes\b/i.test(first(h, 'x-spam-status') ?? '')) return true;
  if (/^\s*yes\b/i.test(first(h, 'x-spam') ?? '')) return true;
  if (/^\s*(?:add header|rewrite subject|reject)\b/i.test(first(h, 'x-rspamd-action') ?? '')) return true;
  // Exchange: a spam confidence level of 5 or more is what it files as junk.
  const scl = Number.parseInt(first(h, 'x-ms-exchange-organization-scl') ?? '', 10);
  if (Number.isInteger(scl) && scl >= 5 && scl <= 9) return true;
  const forefront = /\bSCL:(\d)\b/.exec(cap(first(h, 'x-forefront-antispam-report') ?? ''));
  return !!forefront && Number(forefront[1]) >= 5;
}

/**
 * The reasons, in a fixed order, or [] for a message that looks like a person's. `ownText`
 * is the writer's own words (quoted history removed), where a receipt's wording would be.
 */
export function suspectReasons(input: Pick<NonCaseInput, 'headers' | 'subject'>, ownText: string): SuspectReason[] {
  const h = input.headers;
  const out: SuspectReason[] = [];
  if (spamFilterSaysSpam(h)) out.push('spam-filter-header');
  // RFC 2369 / 8058: a one-click unsubscribe is what bulk senders add and people never do.
  if (h.has('list-unsubscribe') || h.has('list-unsubscribe-post')) out.push('bulk-mail');
  if (TICKET_SUBJECT.test(cap(input.subject)) && RECEIPT_WORDING.test(cap(ownText, 4_000))) out.push('ticket-system-receipt');
  return out;
}
