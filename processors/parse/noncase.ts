/**
 * "Not a case": messages no citizen wrote — auto-replies, bounces, receipts, reports,
 * challenge-response screens, list traffic and mail loops. They must never become a case,
 * and the pipeline must never answer them (RFC 3834 §2: do not respond to automatic mail).
 *
 * Rules are checked in a fixed order, first match wins:
 *   loop > challenge-response > feedback report > read receipt > bounce > auto-reply > other automated
 * so a bounce that also carries Auto-Submitted is a bounce, and a challenge-response
 * screen dressed as a delivery report is not a bounce.
 *
 * Reasons are short fixed phrases (never header values): they go to logs and metrics.
 * All input is capped before any regex sees it.
 */

export type NonCaseKind = 'auto_reply' | 'bounce' | 'loop' | 'automated';

export interface NonCase {
  kind: NonCaseKind;
  reason: string;
}

/** Everything detection looks at, already extracted from the message. */
export interface NonCaseInput {
  /** Top-level headers: lower-case name -> unfolded raw values in order of appearance. */
  headers: ReadonlyMap<string, readonly string[]>;
  /** Decoded subject ('' if none). */
  subject: string;
  /** Sender address (lower-case) and display name, if any. */
  from: { name: string | null; address: string | null };
  /** The top-level Content-Type, lower-case value, parameters as given. */
  contentType: { value: string; params: Readonly<Record<string, string>> } | null;
  /** Content types of the message's non-text parts (lower-case). */
  partTypes: readonly string[];
  /** The start of any message/delivery-status part, '' if none. */
  deliveryStatus: string;
  /** The start of the body text, before quote removal. */
  text: string;
}

export interface NonCaseOptions {
  /** Our own mailbox addresses, matched (case-insensitively) in X-Loop headers. */
  ourAddresses?: readonly string[];
  /** More Received headers than this is taken as a loop. */
  maxReceived?: number;
}

// RFC 5321 §6.3 has MTAs reject at "at least 100" Received fields and Postfix's
// hopcount_limit is 50, so such mail does still arrive. Ordinary mail in the shared corpus
// has at most 7 (measured); Exchange-to-Exchange routes add 10–15. 25 is the lead's choice.
export const DEFAULT_MAX_RECEIVED = 25;
// Subjects, header values and body excerpts are cut to this before matching.
const MAX_MATCH_CHARS = 2_000;
// Only the start of the body is searched for bounce wording.
const MAX_BODY_CHARS = 4_000;

// Services that hold mail until the sender proves to be human (challenge-response).
const CHALLENGE_RESPONSE_DOMAINS = ['boxbe.com', 'spamarrest.com', 'mailblocks.com', 'sanebox.com', 'choicemail.com', 'bluebottle.com'];

const MAILER_DAEMON_LOCAL = new Set(['mailer-daemon', 'mailerdaemon', 'mail-daemon', 'postmaster']);
const MAILER_DAEMON_NAME = /^(?:mail delivery (?:sub)?system|mailer[- ]daemon)$/i;

// Subject starts of non-delivery reports (EN, NL, DE, FR) and the usual MTA wordings.
const BOUNCE_SUBJECT =
  /^(?:undelivered mail returned to sender|mail delivery failed|delivery status notification \((?:failure|delay)\)|undeliverable|undelivered|returned mail|failure notice|delivery failure|delivery has failed|mail system error|non remis|onbestelbaar|niet bezorgd|kan niet worden bezorgd|unzustellbar|nicht zustellbar|message not delivered|email bounce notification|delivery notification)/i;
// Body wording of a bounce, used only together with other evidence.
const BOUNCE_BODY =
  /could not be delivered|couldn't be delivered|was not delivered|delivery has failed|delivery to the following recipient|permanent(?:ly)? fail|mailbox (?:is )?full|user unknown|kon niet worden bezorgd|niet worden afgeleverd|konnte nicht zugestellt/i;

// Subjects that by themselves say "automatic reply" (prefixes and bracketed tags).
const AUTO_SUBJECT_STRONG =
  /^(?:automatic reply|automatisch antwoord|auto[- ]?reply|auto[- ]?response|autorespons|afwezigheidsbericht|afwezigheidsmelding|abwesenheitsnotiz|automatische antwort|réponse automatique|respuesta automática|risposta automatica|\[automatyczna odpowied|out of (?:the )?office\s*(?::|reply|autoreply|notification))|\((?:automatic|auto) (?:response|reply)\)\s*$/i;
// Subjects that often are, but could be a person's: only with a corroborating header.
const AUTO_SUBJECT_WEAK =
  /^(?:afwezig|out of (?:the )?office|away|vacation|holiday|vakantie|thank you for your (?:e-?mail|message)|bedankt voor uw (?:e-?mail|bericht)|dank voor uw (?:e-?mail|bericht)|wij hebben uw (?:e-?mail|bericht) ontvangen|we have received your)/i;

function cap(s: string, n = MAX_MATCH_CHARS): string {
  return s.length > n ? s.slice(0, n) : s;
}

function first(h: NonCaseInput['headers'], name: string): string | null {
  const v = h.get(name);
  return v && v.length > 0 ? cap(v[0] as string).trim() : null;
}

function has(h: NonCaseInput['headers'], name: string): boolean {
  return (h.get(name)?.length ?? 0) > 0;
}

function stripComments(v: string): string {
  return v.replace(/\([^()]*\)/g, ' ').trim();
}

function isNullReturnPath(h: NonCaseInput['headers']): boolean {
  const v = first(h, 'return-path');
  return v !== null && /^<\s*>$/.test(stripComments(v));
}

function domainOf(address: string | null): string {
  if (!address) return '';
  const at = address.lastIndexOf('@');
  return at === -1 ? '' : address.slice(at + 1).toLowerCase();
}

function localOf(address: string | null): string {
  if (!address) return '';
  const at = address.lastIndexOf('@');
  return (at === -1 ? address : address.slice(0, at)).toLowerCase();
}

export function detectNonCase(input: NonCaseInput, options: NonCaseOptions = {}): NonCase | null {
  const h = input.headers;
  const subject = cap(input.subject).trim();
  const reportType = (input.contentType?.value === 'multipart/report' ? (input.contentType.params['report-type'] ?? '') : '').toLowerCase().trim();
  const parts = new Set(input.partTypes.map((t) => t.toLowerCase()));
  const fromAddress = input.from.address?.toLowerCase() ?? null;
  const ours = (options.ourAddresses ?? []).map((a) => a.trim().toLowerCase()).filter((a) => a !== '');

  // 1. Loops: never let our own mail, or mail that has circled too long, in again.
  if (has(h, 'x-kcc-loop')) return { kind: 'loop', reason: 'x-kcc-loop-header' };
  for (const v of h.get('x-loop') ?? []) {
    const value = cap(v).toLowerCase();
    if (ours.some((a) => value.includes(a))) return { kind: 'loop', reason: 'x-loop-names-us' };
  }
  if (fromAddress !== null && ours.includes(fromAddress)) return { kind: 'loop', reason: 'sent-by-us' };
  if ((h.get('received')?.length ?? 0) > (options.maxReceived ?? DEFAULT_MAX_RECEIVED)) {
    return { kind: 'loop', reason: 'too-many-received-headers' };
  }

  // 2. Challenge-response screens ("prove you are human"); some pose as delivery reports.
  const fromDomain = domainOf(fromAddress);
  if (CHALLENGE_RESPONSE_DOMAINS.some((d) => fromDomain === d || fromDomain.endsWith('.' + d))) {
    return { kind: 'automated', reason: 'challenge-response' };
  }
  for (const name of h.keys()) {
    if (name.startsWith('x-boxbe') || name === 'x-spamarrest' || name === 'x-challenge-response') {
      return { kind: 'automated', reason: 'challenge-response' };
    }
  }
  if (/pre-?approved|x-boxbe/i.test(cap(input.deliveryStatus))) return { kind: 'automated', reason: 'challenge-response' };

  // 3. Abuse / feedback reports (RFC 5965 ARF) and 4. read receipts (RFC 8098 MDN).
  if (reportType === 'feedback-report' || parts.has('message/feedback-report')) return { kind: 'automated', reason: 'feedback-report' };
  if (reportType === 'disposition-notification' || parts.has('message/disposition-notification')) {
    return { kind: 'automated', reason: 'disposition-notification' };
  }

  // 5. Bounces: RFC 3464 reports first, then the MTA conventions for non-MIME ones.
  if (reportType === 'delivery-status') return { kind: 'bounce', reason: 'delivery-status-report' };
  if (parts.has('message/delivery-status') || parts.has('message/global-delivery-status')) {
    return { kind: 'bounce', reason: 'delivery-status-part' };
  }
  if (has(h, 'x-failed-recipients')) return { kind: 'bounce', reason: 'x-failed-recipients' };
  const nullReturnPath = isNullReturnPath(h);
  const daemonSender = MAILER_DAEMON_LOCAL.has(localOf(fromAddress)) || MAILER_DAEMON_NAME.test((input.from.name ?? '').trim());
  if (daemonSender) return { kind: 'bounce', reason: 'sender-mailer-daemon' };
  if (BOUNCE_SUBJECT.test(subject) && (nullReturnPath || has(h, 'auto-submitted') || input.contentType?.value === 'multipart/report')) {
    return { kind: 'bounce', reason: 'bounce-subject' };
  }
  const carriesOriginal = parts.has('message/rfc822') || parts.has('text/rfc822-headers') || parts.has('message/global');
  const noReplySender = /^(?:no-?reply|do-?not-?reply|bounces?)(?:[+\-.]|$)/.test(localOf(fromAddress));
  if (carriesOriginal && (noReplySender || nullReturnPath) && BOUNCE_BODY.test(cap(input.text, MAX_BODY_CHARS))) {
    return { kind: 'bounce', reason: 'bounce-wording-with-original' };
  }

  // 6. Auto-replies (RFC 3834 and the vendor headers that predate it).
  const autoSubmitted = (first(h, 'auto-submitted') ?? '').toLowerCase();
  const autoSubmittedValue = stripComments(autoSubmitted).split(/[;\s]/)[0] ?? '';
  if (autoSubmittedValue === 'auto-replied') return { kind: 'auto_reply', reason: 'auto-submitted-auto-replied' };
  if (has(h, 'x-autoreply') || has(h, 'x-autorespond') || has(h, 'x-autoresponder')) return { kind: 'auto_reply', reason: 'x-autoreply-header' };
  const precedence = stripComments((first(h, 'precedence') ?? '').toLowerCase());
  if (precedence === 'auto_reply') return { kind: 'auto_reply', reason: 'precedence-auto-reply' };
  if ((first(h, 'x-apple-action') ?? '').toLowerCase() === 'vacation') return { kind: 'auto_reply', reason: 'x-apple-action-vacation' };
  if (AUTO_SUBJECT_STRONG.test(subject)) return { kind: 'auto_reply', reason: 'auto-reply-subject' };
  const corroborated =
    nullReturnPath ||
    precedence === 'bulk' ||
    precedence === 'junk' ||
    has(h, 'x-auto-response-suppress') ||
    (autoSubmittedValue !== '' && autoSubmittedValue !== 'no');
  if (corroborated && AUTO_SUBJECT_WEAK.test(subject)) return { kind: 'auto_reply', reason: 'auto-reply-subject-and-header' };

  // 7. Other machine-sent mail.
  if (autoSubmittedValue !== '' && autoSubmittedValue !== 'no') return { kind: 'automated', reason: 'auto-submitted' };
  if (precedence === 'list') return { kind: 'automated', reason: 'precedence-list' };
  if (precedence === 'bulk' || precedence === 'junk') return { kind: 'automated', reason: 'precedence-bulk' };
  if (has(h, 'list-id')) return { kind: 'automated', reason: 'mailing-list' };
  if (nullReturnPath) return { kind: 'automated', reason: 'null-return-path' };
  return null;
}

/** Build the header map detectNonCase expects from raw header lines ("Name: value", folded). */
export function headerIndex(lines: ReadonlyArray<{ key: string; line: string }>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const name = key.toLowerCase();
    const colon = line.indexOf(':');
    const rawValue = colon === -1 ? '' : line.slice(colon + 1, colon + 1 + MAX_MATCH_CHARS * 4);
    const value = rawValue.replace(/\r?\n[ \t]*/g, ' ').trim();
    const list = index.get(name);
    if (list) list.push(value);
    else index.set(name, [value]);
  }
  return index;
}
