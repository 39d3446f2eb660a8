/**
 * One message in, one analysis out: parse → what is not a case → extract → classify →
 * redact. The same function serves the Kafka processor and `kcc extract`, so what an
 * operator sees on the command line is what the pipeline does.
 *
 * Nothing here decides about a person: the topic only routes the case to a queue.
 */
import { parseEmail, type ParsedEmail, type ParseLimits } from '../parse/index.ts';
import { extractContact, redactBsn, redactIban, type Citizen } from '../extract/index.ts';
import { classify } from '../classify/index.ts';

export type AttachmentKind = 'id_document' | 'signature' | 'other';

/** Looks at an attachment's bytes (OCR, MRZ); injected so the e-mail path needs no OCR pool. */
export type AttachmentInspector = (a: { filename: string; contentType: string; content: Buffer }) => Promise<{ kind: AttachmentKind; documentKind?: string | null }>;

export interface EmailAnalysis {
  isCase: boolean;
  nonCase: { kind: string; reason: string } | null;
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
  classification: { topic: string; language: 'nl' | 'en'; confidence: number; reasons: string[] };
  attachments: Array<{ filename: string; contentType: string; size: number; sha256: string; kind: AttachmentKind }>;
  warnings: string[];
}

export interface AnalyseOptions {
  ourAddresses?: string[];
  limits?: Partial<ParseLimits>;
  inspectAttachment?: AttachmentInspector;
}

function redact(text: string): string {
  return redactIban(redactBsn(text));
}

export async function analyseEmail(raw: Buffer, options: AnalyseOptions = {}): Promise<EmailAnalysis> {
  const ours = (options.ourAddresses ?? []).map((a) => a.toLowerCase());
  const parsed: ParsedEmail = await parseEmail(raw, options.limits, { ourAddresses: ours });
  // A forward from a KCC colleague or a citizen resolves to the original sender.
  const sender = parsed.forwarded?.from ?? parsed.from;
  const extraction = extractContact({
    channel: 'email',
    fromName: sender.name,
    fromAddress: sender.address,
    subject: parsed.subject,
    text: parsed.text,
    ourAddresses: ours,
  });
  const classification = parsed.nonCase
    ? { topic: 'overig', language: guessLanguage(parsed), confidence: 1, reasons: [`non_case:${parsed.nonCase.kind}`] }
    : classify({ subject: parsed.subject, text: parsed.text });

  const attachments: EmailAnalysis['attachments'] = [];
  for (const a of parsed.attachments) {
    const kind = options.inspectAttachment && !parsed.nonCase
      ? (await options.inspectAttachment({ filename: a.filename, contentType: a.contentType, content: a.content })).kind
      : 'other';
    attachments.push({ filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, kind });
  }

  const replyTo = parsed.replyTo?.address ?? parsed.from.address;
  return {
    isCase: parsed.nonCase === null,
    nonCase: parsed.nonCase ? { kind: parsed.nonCase.kind, reason: parsed.nonCase.reason } : null,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    date: parsed.date,
    subject: redact(parsed.subject),
    text: redact(parsed.text),
    replyAddress: replyTo && !ours.includes(replyTo) ? replyTo : null,
    citizen: extraction.citizen,
    onBehalfOf: extraction.onBehalfOf,
    representative: extraction.representative,
    classification: classification as EmailAnalysis['classification'],
    attachments,
    warnings: parsed.warnings,
  };
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
    is_case: a.isCase,
    language: a.classification.language,
    topic: a.classification.topic,
    citizen: citizenJson(a.citizen),
    on_behalf_of: a.onBehalfOf,
    id_document_attachments: a.attachments.filter((x) => x.kind === 'id_document').map((x) => x.filename),
    signature_attachments: a.attachments.filter((x) => x.kind === 'signature').map((x) => x.filename),
  };
}
