/**
 * One message in, one analysis out: parse → what is not a case → extract → classify →
 * redact. The same function serves the Kafka processor and `kcc extract`, so what an
 * operator sees on the command line is what the pipeline does.
 *
 * Nothing here decides about a person: the topic only routes the case to a queue.
 */
import { parseEmail, type ParsedEmail, type ParseLimits, type Truncation } from '../parse/index.ts';
import { extractContact, isOurAddress, isPersonName, redactStoredText, concernsSomeoneElse, type Citizen, type UncertainField } from '../extract/index.ts';
import { classify } from '../classify/index.ts';
import { screen, type Screening, type SpamFilter } from '../screening/index.ts';

export type AttachmentKind = 'id_document' | 'signature' | 'other';

/** Looks at an attachment's bytes (OCR, MRZ); injected so the e-mail path needs no OCR pool. */
export type AttachmentInspector = (a: { filename: string; contentType: string; content: Buffer }) => Promise<{ kind: AttachmentKind; documentKind?: string | null }>;

export interface EmailAnalysis {
  isCase: boolean;
  nonCase: { kind: string; reason: string } | null;
  /** Probably not a case: the case goes to the screening queue, where an agent decides (processors/screening). */
  screening: Screening | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  date: Date | null;
  /** Subject and text with BSNs and IBANs redacted. */
  subject: string;
  text: string;
  replyAddress: string | null;
  citizen: Citizen;
  onBehalfOf: string | null;
  representative: { name: string | null; email: string | null; relation: string | null } | null;
  /** Contact fields left empty for the agent to check (see Extraction.uncertain). */
  uncertain: UncertainField[];
  classification: { topic: string; language: 'nl' | 'en'; confidence: number; reasons: string[] };
  attachments: Array<{ filename: string; contentType: string; size: number; sha256: string; kind: AttachmentKind }>;
  /** The body was cut or could not be rendered as written; `text` ends with a marker that says so. */
  truncated: Truncation | null;
  warnings: string[];
  /**
   * What the citizen sent as sent, for processors/content to keep (sanitised there): the
   * HTML body (unsanitised; never stored or shown as is) and each attachment's bytes, in the
   * order of `attachments`. Not part of `kcc extract --json`.
   */
  content: { html: string | null; parts: Array<{ contentId: string | null; inline: boolean; content: Buffer }> };
}

export interface AnalyseOptions {
  ourAddresses?: string[];
  limits?: Partial<ParseLimits>;
  inspectAttachment?: AttachmentInspector;
  /** rspamd, when configured; unanswered, the message is read without its verdict (warning 'spam-filter-unavailable'). */
  spamFilter?: SpamFilter;
  /** rspamd score from which a message goes to the screening queue (config: KCC_SPAM_FILTER_SCORE). */
  spamScoreThreshold?: number;
}

/** rspamd's threshold for "add header", its own "probably spam". */
export const DEFAULT_SPAM_SCORE = 6;

const redact = redactStoredText;

export async function analyseEmail(raw: Buffer, options: AnalyseOptions = {}): Promise<EmailAnalysis> {
  const ours = (options.ourAddresses ?? []).map((a) => a.toLowerCase());
  const parsed: ParsedEmail = await parseEmail(raw, options.limits, { ourAddresses: ours });
  const own = forwardOfOwnMail(parsed, ours);
  // A forward resolves to the original sender (a colleague, a municipality or a relative
  // passing on someone's question), unless the forwarder passes on mail they received
  // themselves with words of their own ("is this real?" above a phishing mail, "I don't
  // understand this" above a letter): then the forwarder is the one asking, their note is
  // their question and the original is its context.
  const sender = own ? parsed.from : parsed.forwarded?.from ?? parsed.from;
  const text = own ? `${own.note}\n\n${FORWARD_DIVIDER}\n${parsed.text}` : parsed.text;
  const extraction = extractContact({
    channel: 'email',
    fromName: sender.name,
    fromAddress: sender.address,
    subject: parsed.subject,
    // Only the writer's own words: the original's signature is someone else's.
    text: own ? own.note : parsed.text,
    ourAddresses: ours,
    // The citizen's own earlier message in the history may give the address this one leaves out.
    ...(own ? {} : { quoted: parsed.quotedText }),
  });
  const classification = parsed.nonCase
    ? { topic: 'overig', language: guessLanguage(parsed), confidence: 1, reasons: [`non_case:${parsed.nonCase.kind}`] }
    : own
      // The topic from all of it, the language the writer's (the acknowledgment is theirs).
      ? { ...classify({ subject: parsed.subject, text }), language: classify({ subject: '', text: own.note }).language }
      : topicFromHistory(classify({ subject: parsed.subject, text: parsed.text }), parsed);

  const attachments: EmailAnalysis['attachments'] = [];
  for (const a of parsed.attachments) {
    const kind = options.inspectAttachment && !parsed.nonCase
      ? (await options.inspectAttachment({ filename: a.filename, contentType: a.contentType, content: a.content })).kind
      : 'other';
    attachments.push({ filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, kind });
  }

  let verdict = null;
  if (options.spamFilter && !parsed.nonCase) {
    try {
      verdict = await options.spamFilter.check(raw);
    } catch {
      // A filter that is down must not stop citizens' mail: it is read without the verdict.
      parsed.warnings.push('spam-filter-unavailable');
    }
  }
  const screening = parsed.nonCase ? null : screen({ suspect: parsed.suspect, verdict, asksAboutForward: own !== null }, options.spamScoreThreshold ?? DEFAULT_SPAM_SCORE);

  const replyTo = parsed.replyTo?.address ?? parsed.from.address;
  return {
    isCase: parsed.nonCase === null,
    nonCase: parsed.nonCase ? { kind: parsed.nonCase.kind, reason: parsed.nonCase.reason } : null,
    screening,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    date: parsed.date,
    subject: redact(parsed.subject),
    text: withTruncationMarker(redact(text), parsed.truncated),
    replyAddress: replyTo && !ours.includes(replyTo) ? replyTo : null,
    citizen: extraction.citizen,
    onBehalfOf: extraction.onBehalfOf,
    representative: extraction.representative,
    uncertain: extraction.uncertain,
    classification: classification as EmailAnalysis['classification'],
    attachments,
    truncated: parsed.truncated,
    warnings: parsed.warnings,
    content: { html: parsed.html, parts: parsed.attachments.map((a) => ({ contentId: a.contentId, inline: a.inline, content: a.content })) },
  };
}

/**
 * What an agent reads at the end of a case text that is not the whole message: in Dutch,
 * the agents' language, whatever the citizen wrote in. The same fact is on the case message
 * as `truncated` for the workbench and queries.
 */
const TRUNCATION_MARKERS: Record<Truncation['reason'], (t: Truncation) => string> = {
  'text-too-long': (t) => `de tekst telde ${t.originalChars} tekens; alleen de eerste ${t.keptChars} staan hier`,
  'html-too-large': () => 'de opmaak (HTML) was te groot om weer te geven; alleen de kale tekst staat hier',
  'html-too-deep': () => 'de opmaak (HTML) was te diep genest om weer te geven; alleen de kale tekst staat hier',
  'html-conversion-failed': () => 'de opmaak (HTML) kon niet worden omgezet; alleen de kale tekst staat hier',
  'html-rendered-empty': () => 'de opmaak (HTML) gaf geen leesbare tekst; alleen de kale tekst staat hier',
};

export function truncationMarker(t: Truncation): string {
  return `[bericht ingekort: ${TRUNCATION_MARKERS[t.reason](t)}; het volledige bericht staat niet in deze zaak]`;
}

function withTruncationMarker(text: string, t: Truncation | null): string {
  if (t === null) return text;
  return `${text.trimEnd()}\n\n${truncationMarker(t)}`;
}

/** Between a forwarder's note and the original in a case's text. */
export const FORWARD_DIVIDER = '----- doorgestuurd bericht -----';

/**
 * The forwarder's note when they are the one asking, null for every other message. They are
 * when the original was addressed to them (To or Cc, by address or by their name) and
 *  - they are a person: not one of our colleagues (whose forwards are always the citizen's)
 *    and not a shared mailbox (a municipality's info@ passing on what it received);
 *  - and the original comes from an organisation (a letter, a phishing mail, a supplier's
 *    answer), or from a person with a note of the forwarder's own beyond "FYI" and a
 *    phone's "sent from" that does not hand the question on ('kunnen jullie mijn vader
 *    helpen?', 'onderstaande vraag is voor jullie').
 * A relative's forward without a note, or with one that passes it on, stays the original
 * sender's.
 */
function forwardOfOwnMail(parsed: ParsedEmail, ours: readonly string[]): { note: string } | null {
  const f = parsed.forwarded;
  const me = parsed.from.address?.toLowerCase() ?? null;
  if (!f || !me || ROLE_MAILBOX.test(me) || isOurAddress(me, ours)) return null;
  if (!f.to.includes(me) && !namedIn(parsed.from.name, f.toText)) return null;
  const orig = f.from;
  // Mail from an organisation (a letter, a phishing mail, a supplier) that reached them: theirs.
  const fromOrganisation = (!!orig.address && (ROLE_MAILBOX.test(orig.address) || NO_REPLY_ADDRESS.test(orig.address))) || (!!orig.name && !isPersonName(orig.name));
  if (fromOrganisation) return { note: f.note };
  // A person's mail to them: theirs only with a question of their own that is not about that
  // person, and never when the forwarder writes as an organisation ('Bibliotheek Noord',
  // 'Informatiepunt Provincie', an official signing for a municipality): it asks nothing for itself.
  if (parsed.from.name && !isPersonName(parsed.from.name)) return null;
  const note = withoutBoilerplate(f.note);
  if (note === '' || TRIVIAL_NOTE.test(note) || HANDS_ON.test(note) || SIGNED_AS_ORGANISATION.test(note) || concernsSomeoneElse(note)) return null;
  return { note: f.note };
}

/**
 * A reply that says no more than "see my first mail" or "it still does not work": the topic
 * from the quoted history it answers (the language stays the writer's new text).
 */
function topicFromHistory(c: ReturnType<typeof classify>, parsed: ParsedEmail): ReturnType<typeof classify> {
  if (c.topic !== 'overig' || !parsed.quotedText) return c;
  const withHistory = classify({ subject: parsed.subject, text: `${parsed.text}\n\n${parsed.quotedText}` });
  if (withHistory.topic === 'overig') return c;
  return { ...withHistory, language: c.language, reasons: [...withHistory.reasons, 'quoted-history'] };
}

/** Shared and role mailboxes: an organisation, not a person asking for themselves. */
const ROLE_MAILBOX = /^(?:info|contact|klantcontact|klantenservice|service|servicedesk|helpdesk|support|secretariaat|office|post|admin|administratie|balie|receptie|team|kcc|loket|frontoffice|backoffice|burgerzaken)(?:[._+-][^@]{0,40})?@/i;
const NO_REPLY_ADDRESS = /^(?:no-?reply|do-?not-?reply|noreply|notificaties?|notifications?|mailer-daemon|postmaster|bounces?)(?:[._+-][^@]{0,40})?@/i;
/** A note that is no question of the forwarder's own. */
const TRIVIAL_NOTE = /^(?:fyi|ter info(?:rmatie)?|zie (?:hier)?onder|see below|zie (?:de )?bijlage|zie bijgevoegd|see (?:the )?attach(?:ed|ment)|fw|fwd|doorgestuurd)[.!: ]*$/i;
/**
 * Words that pass someone else's question on to us rather than ask one: "onderstaande vraag
 * is voor jullie", "bijgaand een vraag van een inwoner", "please find attached an enquiry
 * from a resident", "kunnen jullie deze beantwoorden?".
 */
const HANDS_ON = new RegExp([
  String.raw`\b(?:voor jullie|for you|rechtstreeks|directly|onderstaande (?:vraag|mail|e-?mail|bericht)|the (?:question|enquiry|inquiry|e-?mail|message) below|doorgestuurd (?:naar|aan) jullie|namens)\b`,
  String.raw`\b(?:bijgaand|hierbij|in de bijlage|bijgevoegd|please find attached|attached (?:is|you will find)|enclosed (?:is|please find))\b`,
  String.raw`\b(?:(?:een |de )?(?:vraag|bericht|e-?mail|mail|brief|klacht) van (?:een |onze |de |deze )?(?:inwoner|burger|klant|cli[eë]nt|bewoner|aanvrager|mevrouw|meneer|de heer|dhr|mw)|(?:an? |the )?(?:question|enquiry|inquiry|message|e-?mail|complaint|request) (?:from|of|by) (?:an? |our |one of our |the )?(?:resident|citizen|customer|client|member of the public|applicant|mr|mrs|ms))`,
  String.raw`\b(?:aan (?:u|jullie) door|(?:naar|aan) (?:u|jullie) (?:door)?gestuurd|ter behandeling|op verzoek van|at the request of|on request of|for your (?:handling|attention|action)|(?:is|zijn) (?:bedoeld|gericht) (?:voor|aan)|(?:is|are) (?:meant|intended) for|addressed to (?:you|logius|the kcc))\b`,
  String.raw`\b(?:ter (?:beantwoording|afhandeling)|(?:for|to) (?:handling|your attention|answer)|kunnen jullie (?:deze|dit|hem|haar|die) (?:oppakken|beantwoorden|afhandelen|behandelen)|could you (?:please )?(?:answer|handle|pick up|deal with) (?:this|it))\b`,
].join('|'), 'i');
/** A note signed as an organisation: an office passing on what reached it asks nothing for itself. */
const SIGNED_AS_ORGANISATION = /^(?:team |afdeling |department of )?(?:gemeente|municipality|city of|waterschap|provincie|province|bibliotheek|library|ombudsman|belastingdienst|uwv|svb|ministerie|ministry|klantcontact(?:centrum)?|customer service|servicedesk|helpdesk|frontoffice|backoffice|burgerzaken)\b.{0,60}$/im;

/** The note without what phones and clients add ('Verzonden vanaf mijn iPhone', a '-- ' signature and below). */
function withoutBoilerplate(note: string): string {
  const cut = note.search(/^-- ?$/m);
  return (cut >= 0 ? note.slice(0, cut) : note)
    .split('\n')
    .filter((l) => !/^\s*(?:verzonden|verstuurd|sent|get|download|ophalen)\b.{0,60}\b(?:iphone|ipad|android|samsung|outlook|mobile|mobiel|smartphone|mail)\b/i.test(l))
    .join('\n')
    .trim();
}

/** The forwarder's display name ('Piet Bakker', at least two words) among the original's recipients' names. */
function namedIn(name: string | null, recipients: string): boolean {
  const words = (name ?? '').toLowerCase().split(/[\s,]+/).filter((w) => /^\p{L}{2,}$/u.test(w));
  if (words.length < 2) return false;
  const have = new Set(recipients.toLowerCase().split(/[^\p{L}]+/u));
  return words.every((w) => have.has(w));
}

function guessLanguage(parsed: ParsedEmail): 'nl' | 'en' {
  return classify({ subject: parsed.subject, text: parsed.text }).language;
}

/** The citizen as `kcc extract --json` prints it (e-mail and letters alike). */
export function citizenJson(c: Citizen) {
  return {
    name: c.name, street: c.street, house_number: c.house_number, postcode: c.postcode,
    city: c.city, email: c.email, phones: c.phones, bsn: c.bsn,
  };
}

/** The `kcc extract --json` shape (issue #3), one object per file. */
export function toExtractJson(file: string, a: EmailAnalysis) {
  return {
    file,
    // The pipeline's judgement: a screened message becomes a case only for an agent to confirm.
    is_case: a.isCase && a.screening === null,
    screening: a.screening ? a.screening.reasons : null,
    language: a.classification.language,
    topic: a.classification.topic,
    citizen: citizenJson(a.citizen),
    on_behalf_of: a.onBehalfOf,
    id_document_attachments: a.attachments.filter((x) => x.kind === 'id_document').map((x) => x.filename),
    signature_attachments: a.attachments.filter((x) => x.kind === 'signature').map((x) => x.filename),
  };
}
