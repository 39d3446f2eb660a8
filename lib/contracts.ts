/**
 * Kafka message contracts, defined once and shared by producer and consumer: a TypeScript
 * type and a runtime schema for each, with a `schemaVersion`. Every consumer validates what
 * it reads (`decode*`); a record that does not fit goes to the dead-letter topic.
 *
 * Topic names carry the contract's major version (`kcc.mail.raw.v1`), so an incompatible
 * change gets a new topic instead of mixing two shapes on one.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InputError } from './errors.ts';

export const TOPIC_BASES = {
  /**
   * Raw e-mail from the IMAP ingestor. Holds personal data: short retention. v2: the bytes
   * are the record's value, the envelope a header (v1 carried them base64 in JSON).
   */
  mailRaw: { base: 'mail.raw', version: 2 },
  /** Scanned letters from the letter ingestor (page images by claim check only). */
  letterRaw: { base: 'letters.raw', version: 1 },
  /** Messages that could not be processed: a reason and a source reference, no content. */
  deadLetter: { base: 'deadletter', version: 1 },
  /**
   * E-mail attachments waiting for ID-copy inspection (OCR), after their case was stored.
   * v2: the attachment's bytes are the record's value up to the claim-check threshold, as
   * in the raw mail they came from (v1: always by claim check). Short retention.
   */
  attachmentCheck: { base: 'attachments.check', version: 2 },
  /**
   * What happened to cases, for other systems: CloudEvents 1.0 (NL GOV profile) in structured
   * JSON mode. Case number, queue, topic, language, status, actor role and times only — no
   * message text, no contact details, no BSN. See CaseEventV1.
   */
  caseEvents: { base: 'case.events', version: 1 },
} as const;

export type TopicKey = keyof typeof TOPIC_BASES;

export function topicName(prefix: string, key: TopicKey): string {
  const t = TOPIC_BASES[key];
  return `${prefix}.${t.base}.v${t.version}`;
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** Enough to find the original again (in the processed folder), and nothing personal. */
export const ImapSourceRef = z.object({
  kind: z.literal('imap'),
  account: z.string(),
  mailbox: z.string(),
  uidValidity: z.string().regex(/^\d+$/),
  uid: z.number().int().positive(),
});
export type ImapSourceRef = z.infer<typeof ImapSourceRef>;

/**
 * How a record carries bytes: in the record ("binary mode" as CloudEvents calls it: the bytes
 * are the record's value, untouched, and the envelope travels as the `kcc-envelope` header,
 * JSON), or above the claim-check threshold by reference to GridFS with an empty value.
 */
const InlineOrClaimCheck = z.discriminatedUnion('type', [
  z.object({ type: z.literal('inline') }),
  z.object({ type: z.literal('claim_check'), bucket: z.string().min(1), fileId: z.string().regex(/^[0-9a-f]{24}$/) }),
]);

/**
 * A raw e-mail on the topic: its bytes in binary mode (above). v1 put them base64 in a JSON
 * value: a third more bytes through Kafka, and an encode, a stringify, a parse and a decode
 * of every message on the way.
 */
export const RawMailV2 = z.object({
  schemaVersion: z.literal(2),
  source: ImapSourceRef,
  receivedAt: z.iso.datetime(),
  /** Message-ID header (without brackets) as the server's envelope reported it, or null. */
  messageId: z.string().max(998).nullable(),
  /** SHA-256 of the raw bytes: with the Message-ID, the key that makes redelivery harmless. */
  sha256: sha256Hex,
  size: z.number().int().nonnegative(),
  body: InlineOrClaimCheck,
});
export type RawMailV2 = z.infer<typeof RawMailV2>;

/** A raw-mail record as its consumer sees it: the envelope, and the bytes when inline. */
export type RawMail = RawMailV2 & { inline: Buffer | null };

export const ENVELOPE_HEADER = 'kcc-envelope';

type BinaryEnvelope = { size: number; body: z.infer<typeof InlineOrClaimCheck> };
type BinaryRecord = { value: Buffer; headers: Record<string, string> };

/** A binary-mode record; `bytes` exactly when the body says inline, and of the envelope's size. */
function encodeBinary<E extends BinaryEnvelope>(schema: z.ZodType<E>, tag: string, what: string, envelope: E, bytes: Buffer | null): BinaryRecord {
  const env = schema.parse(envelope); // a producer bug should fail at the producer
  if ((env.body.type === 'inline') !== (bytes !== null)) throw new Error(`${what}: bytes go inline exactly when the body says inline`);
  if (bytes && bytes.length !== env.size) throw new Error(`${what}: size does not match the bytes`);
  return { value: bytes ?? Buffer.alloc(0), headers: { [ENVELOPE_HEADER]: JSON.stringify(env), 'kcc-schema': tag } };
}

/** Reads a binary-mode record; one that does not fit the contract is bad input (dead letter). */
function decodeBinary<E extends BinaryEnvelope>(schema: z.ZodType<E>, what: string, record: BinaryRecord): E & { inline: Buffer | null } {
  const header = record.headers[ENVELOPE_HEADER];
  if (header === undefined) throw new InputError('CONTRACT_INVALID', `${what}: record has no ${ENVELOPE_HEADER} header`);
  const env = decode(schema, Buffer.from(header, 'utf8'), `${what} envelope`);
  if (env.body.type === 'inline' && record.value.length !== env.size) {
    throw new InputError('CONTRACT_INVALID', `${what}: value has ${record.value.length} bytes, the envelope says ${env.size}`);
  }
  if (env.body.type === 'claim_check' && record.value.length !== 0) {
    throw new InputError('CONTRACT_INVALID', `${what}: a claim-check record must have an empty value`);
  }
  return { ...env, inline: env.body.type === 'inline' ? record.value : null };
}

/** The record for a raw e-mail: `raw` is the message's bytes when inline, null with a claim check. */
export function encodeRawMail(envelope: RawMailV2, raw: Buffer | null): BinaryRecord {
  return encodeBinary(RawMailV2, 'mail.raw/2', 'raw mail', envelope, raw);
}

/** Reads a raw-mail record; one that does not fit the contract is bad input (dead letter). */
export function decodeRawMail(record: BinaryRecord): RawMail {
  return decodeBinary(RawMailV2, 'raw mail', record);
}

/**
 * A scanned letter's origin: how it came in and the file name the ingestor gave or found.
 * Drop-folder names come from the scanning street ("scan_0012.pdf"); uploads are named by
 * the ingestor itself, so no name a citizen chose reaches Kafka.
 */
export const LetterSourceRef = z.object({
  kind: z.literal('letter'),
  via: z.enum(['drop', 'upload']),
  file: z.string().min(1).max(255),
});
export type LetterSourceRef = z.infer<typeof LetterSourceRef>;

/** Page bytes are never a Kafka payload: only claim-check references are allowed here. */
export const ClaimCheckRef = z.object({ type: z.literal('claim_check'), bucket: z.string().min(1), fileId: z.string().regex(/^[0-9a-f]{24}$/) });
export type ClaimCheckRef = z.infer<typeof ClaimCheckRef>;

/** One page: a scanned image, or the text of a PDF text layer (also by claim check: it is the letter's content). */
export const LetterPageV1 = z.object({
  index: z.number().int().nonnegative(),
  content: z.enum(['image/png', 'image/jpeg', 'text/plain']),
  size: z.number().int().nonnegative(),
  ref: ClaimCheckRef,
});
export type LetterPageV1 = z.infer<typeof LetterPageV1>;

export const LetterRawV1 = z.object({
  schemaVersion: z.literal(1),
  source: LetterSourceRef,
  receivedAt: z.iso.datetime(),
  /** SHA-256 of the file's bytes: the idempotency key of a letter. */
  sha256: sha256Hex,
  size: z.number().int().nonnegative(),
  format: z.enum(['pdf', 'png', 'jpeg', 'tiff']),
  // 1000 is far above any page limit; the bound keeps a hostile record small to validate.
  pages: z.array(LetterPageV1).min(1).max(1000),
});
export type LetterRawV1 = z.infer<typeof LetterRawV1>;

/**
 * One e-mail attachment to inspect for an ID copy or a signature, published by the e-mail
 * processor once the case is stored. Binary mode like the raw mail it came from: the bytes
 * are the value when that mail was inline itself (and they are under the claim-check
 * threshold), else in GridFS, which the inspector deletes when done (or the claim-check
 * sweeper after its term). Inline bytes stay on the topic for its retention, as the same
 * bytes do on the raw-mail topic: no data reaches Kafka that was not there already, no
 * term gets longer, and a GridFS write, read and delete per candidate is saved (on FerretDB
 * ~9 ms of CPU per 180 kB PDF).
 */
export const AttachmentCheckV2 = z.object({
  schemaVersion: z.literal(2),
  /** The case the message was stored in (its own, or the thread it joined). */
  caseId: z.string().min(1).max(200),
  /** The message's dedupe key: finds the message within the case, keys the identity documents. */
  dedupeKey: sha256Hex,
  /** Position of the attachment in the message's attachment list, 0-based. */
  attachmentIndex: z.number().int().nonnegative().max(10_000),
  filename: z.string().max(1000),
  contentType: z.string().max(255),
  size: z.number().int().nonnegative(),
  sha256: sha256Hex,
  body: InlineOrClaimCheck,
  receivedAt: z.iso.datetime(),
});
export type AttachmentCheckV2 = z.infer<typeof AttachmentCheckV2>;

/** An attachment check as the inspector sees it: the envelope, and the bytes when inline. */
export type AttachmentCheck = AttachmentCheckV2 & { inline: Buffer | null };

export function encodeAttachmentCheck(envelope: AttachmentCheckV2, bytes: Buffer | null): BinaryRecord {
  return encodeBinary(AttachmentCheckV2, 'attachments.check/2', 'attachment check', envelope, bytes);
}

export function decodeAttachmentCheck(record: BinaryRecord): AttachmentCheck {
  return decodeBinary(AttachmentCheckV2, 'attachment check', record);
}

export const DeadLetterV1 = z.object({
  schemaVersion: z.literal(1),
  sourceTopic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  /** Stable error code (AREA_WHAT) and a reason that holds no personal data. */
  code: z.string(),
  reason: z.string().max(2000),
  sourceRef: z.union([ImapSourceRef, LetterSourceRef, z.object({ kind: z.literal('unknown') })]),
  sha256: sha256Hex.nullable(),
  at: z.iso.datetime(),
  /** Optional (added with issue 12, older records lack them): the raw size, and where the raw bytes wait when they came by claim check. */
  size: z.number().int().nonnegative().optional(),
  claimCheck: z.object({ bucket: z.string().min(1), fileId: z.string().regex(/^[0-9a-f]{24}$/) }).optional(),
});
export type DeadLetterV1 = z.infer<typeof DeadLetterV1>;

/** Validate a record read from Kafka; a mismatch is bad input, not worth a retry. */
export function decode<T>(schema: z.ZodType<T>, value: Buffer, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    throw new InputError('CONTRACT_NOT_JSON', `${what}: record is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InputError('CONTRACT_INVALID', `${what}: record does not match the contract (${where})`);
  }
  return parsed.data;
}

export function encode<T>(schema: z.ZodType<T>, value: T): Buffer {
  // Validate on the way out too: a producer bug should fail at the producer.
  return Buffer.from(JSON.stringify(schema.parse(value)));
}

/**
 * The idempotency key of one intake: Message-ID plus content hash. The same bytes fetched
 * again (restart, reconnect, UIDVALIDITY change) give the same key; a different message
 * that reuses a Message-ID does not.
 */
export function dedupeKeyOf(messageId: string | null, sha256: string): string {
  return createHash('sha256').update(messageId ?? '', 'utf8').update(sha256, 'utf8').digest('hex');
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// RFC 5322 §2.1.1 caps a line at 998 characters; a header block beyond 256 KiB is not a
// header block we should scan for an id.
const MAX_HEADER_SCAN = 256 * 1024;

/** The unfolded header lines of a raw message, without a full parse. */
function rawHeaderLines(raw: Buffer): string[] {
  const head = raw.subarray(0, MAX_HEADER_SCAN).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  return (end >= 0 ? head.slice(0, end) : head).replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/);
}

/** Message ids (`<…>`) in the first header called `name`, in order. */
function rawIdsOf(lines: readonly string[], name: string): string[] {
  const re = new RegExp(`^${name}\\s*:`, 'i');
  for (const line of lines) {
    if (line.length > 64 * 1024 || !re.test(line)) continue;
    const value = line.slice(line.indexOf(':') + 1);
    return [...value.matchAll(/<([^<>\s]{1,995})>/g)].map((m) => m[1]!);
  }
  return [];
}

/**
 * The Message-ID from the raw header block, without a full parse (the ingestor needs it for
 * the dedupe key before anything parses the message). Unfolds continuation lines.
 */
export function messageIdFromRaw(raw: Buffer): string | null {
  return messageIdOf(rawHeaderLines(raw));
}

function messageIdOf(lines: readonly string[]): string | null {
  for (const line of lines) {
    if (line.length > 1000 || !/^message-id\s*:/i.test(line)) continue;
    const value = line.slice(line.indexOf(':') + 1).trim();
    const bracketed = /<([^<>\s]{1,995})>/.exec(value);
    const id = bracketed ? bracketed[1]! : value.split(/\s/)[0] ?? '';
    return id.length > 0 && id.length <= 998 ? id : null;
  }
  return null;
}

/**
 * The Kafka key that keeps a conversation on one partition, so that one processor handles
 * its messages in order and a reply cannot race its own first message into a second case:
 * the thread's root, i.e. the first id of References (RFC 5322 §3.6.4: the parent's
 * References followed by the parent's id, so the root comes first), else In-Reply-To, else
 * the message's own id. A reply that carries neither header (a new mail quoting a case
 * number) cannot be placed and keeps its own key.
 */
export function threadKeyFromRaw(raw: Buffer): string | null {
  const lines = rawHeaderLines(raw);
  return rawIdsOf(lines, 'references')[0] ?? rawIdsOf(lines, 'in-reply-to')[0] ?? messageIdOf(lines);
}

/** The event types on the case-events topic (reverse-DNS, as the NL GOV profile asks). */
export const CASE_EVENT_TYPES = {
  created: 'nl.logius.kcc.case.created',
  message_received: 'nl.logius.kcc.case.message-received',
  claimed: 'nl.logius.kcc.case.assigned',
  released: 'nl.logius.kcc.case.assigned',
  reassigned: 'nl.logius.kcc.case.assigned',
  replied: 'nl.logius.kcc.case.replied',
  escalated: 'nl.logius.kcc.case.escalated',
  identity_verified: 'nl.logius.kcc.case.identity-verified',
  closed: 'nl.logius.kcc.case.closed',
  reopened: 'nl.logius.kcc.case.reopened',
  reclassified: 'nl.logius.kcc.case.reclassified',
  confirmed_case: 'nl.logius.kcc.case.confirmed',
} as const;

/**
 * A case event: CloudEvents 1.0, structured mode, following the NL GOV profile for
 * CloudEvents (id unique per source, source a URN, type reverse-DNS, time RFC 3339 UTC,
 * `subject` left out because the profile asks for no personal data there and a case number
 * leads to a person; data in JSON with its schema named). `id` is the case and the history
 * version, so a redelivery (at-least-once) carries the same id and consumers deduplicate on it.
 */
export const CaseEventV1 = z.object({
  specversion: z.literal('1.0'),
  id: z.string().regex(/^[\w.-]{1,64}:\d+$/),
  source: z.string().min(1),
  type: z.string().regex(/^nl\.logius\.kcc\.case\.[a-z-]+$/),
  time: z.string().datetime(),
  datacontenttype: z.literal('application/json'),
  dataschema: z.string().min(1),
  data: z.object({
    schemaVersion: z.literal(1),
    caseNumber: z.string().regex(/^KCC-\d{4}-\d{6}$/),
    /** The history entry's action (claimed, released, … for type case.assigned). */
    action: z.string(),
    version: z.number().int().nonnegative(),
    // 'screening' (added 2026-12-02): the "waarschijnlijk geen zaak" queue, before an agent confirms a case.
    queue: z.enum(['first', 'second', 'screening']),
    topic: z.string().nullable(),
    language: z.string().nullable(),
    status: z.string(),
    channel: z.enum(['email', 'letter']),
    actorRole: z.string(),
    at: z.string().datetime(),
  }).strict(),
}).strict();
export type CaseEventV1 = z.infer<typeof CaseEventV1>;
export const CASE_EVENT_SCHEMA_URI = 'urn:nl:logius:kcc:schema:case-event:1';
