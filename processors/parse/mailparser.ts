/**
 * The only place mailparser is used (it is in maintenance mode upstream; PostalMime is its
 * successor). Everything else in this stage works on the plain shape returned here, so a
 * swap touches this file alone.
 */
import { simpleParser } from 'mailparser';
import type { AddressObject, HeaderValue, StructuredHeader } from 'mailparser';
import { InputError } from '../../lib/errors.ts';
import type { ParseLimits } from './limits.ts';

// mailparser's own default for one part's header block. The largest legitimate-looking
// headers in the shared corpus are ~200 KB (flanker-long-header, mimekit-stack-overflow).
export const MAX_HEAD_BYTES = 1024 * 1024;
// Each attachment is one MIME part; the rest is structure (multipart containers, text and
// HTML alternatives, report parts). Allow as many structural parts again, plus a margin for
// small messages, so mailparser stops a part flood long before it is buffered.
const STRUCTURAL_PART_MARGIN = 100;

export interface RawMailbox {
  name: string;
  address: string | null;
}

export interface RawAttachment {
  filename: string | null;
  contentType: string | null;
  disposition: string | null;
  related: boolean;
  /** The part's Content-ID without angle brackets (what a `cid:` reference in the HTML names). */
  contentId: string | null;
  content: Buffer;
  sha256: string;
}

/** What the rest of the stage needs from a parsed message, in library-neutral form. */
export interface RawParsed {
  /** Top-level header lines in order: lower-case name and the unparsed line, folding included. */
  headerLines: ReadonlyArray<{ key: string; line: string }>;
  subject: string | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  from: RawMailbox[];
  replyTo: RawMailbox[];
  to: RawMailbox[];
  contentType: { value: string; params: Record<string, string> } | null;
  text: string | null;
  html: string | null;
  attachments: RawAttachment[];
}

export async function runMailparser(raw: Buffer, limits: Readonly<ParseLimits>): Promise<RawParsed> {
  const maxParts = limits.maxAttachments * 2 + STRUCTURAL_PART_MARGIN;
  let mail;
  try {
    mail = await simpleParser(raw, {
      // delivery-status, disposition-notification and feedback-report parts stay
      // attachments, so non-case detection can see them
      keepDeliveryStatus: true,
      // HTML is converted by html.ts with our own options and depth guard
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      keepCidLinks: true,
      checksumAlgo: 'sha256',
      maxHeadSize: MAX_HEAD_BYTES,
      maxChildNodes: maxParts,
    });
  } catch (err) {
    throw mapError(err, limits);
  }
  return {
    headerLines: mail.headerLines ?? [],
    subject: typeof mail.subject === 'string' ? mail.subject : null,
    messageId: typeof mail.messageId === 'string' ? mail.messageId : null,
    inReplyTo: typeof mail.inReplyTo === 'string' ? mail.inReplyTo : null,
    references: typeof mail.references === 'string' ? [mail.references] : Array.isArray(mail.references) ? mail.references.filter((r) => typeof r === 'string') : [],
    from: mailboxes(mail.from),
    replyTo: mailboxes(mail.replyTo),
    to: mailboxes(mail.to),
    contentType: structured(mail.headers?.get('content-type')),
    text: typeof mail.text === 'string' ? mail.text : null,
    html: typeof mail.html === 'string' ? mail.html : null,
    attachments: (mail.attachments ?? []).map((a) => ({
      filename: typeof a.filename === 'string' ? a.filename : null,
      contentType: typeof a.contentType === 'string' ? a.contentType : null,
      disposition: typeof a.contentDisposition === 'string' ? a.contentDisposition : null,
      related: a.related === true,
      contentId: typeof a.contentId === 'string' ? a.contentId.replace(/^\s*<|>\s*$/g, '').trim() || null : null,
      content: Buffer.isBuffer(a.content) ? a.content : Buffer.alloc(0),
      sha256: a.checksum,
    })),
  };
}

function mapError(err: unknown, limits: Readonly<ParseLimits>): InputError {
  const e = err as { code?: unknown; message?: unknown };
  const message = typeof e?.message === 'string' ? e.message : '';
  if (e?.code === 'EMAXLEN' && /child nodes/i.test(message)) {
    return new InputError(
      'PARSE_TOO_MANY_ATTACHMENTS',
      `message has more MIME parts than the attachment limit of ${limits.maxAttachments} allows`,
      err,
    );
  }
  if (e?.code === 'EMAXLEN' && /header/i.test(message)) {
    return new InputError('PARSE_HEADER_TOO_LARGE', `a header block is larger than ${MAX_HEAD_BYTES} bytes`, err);
  }
  // The cause is kept for debugging; mailparser's messages name limits, not message content.
  return new InputError('PARSE_FAILED', 'mail parser could not parse the message', err);
}

function mailboxes(value: AddressObject | AddressObject[] | undefined): RawMailbox[] {
  if (value === undefined || value === null) return [];
  const objects = Array.isArray(value) ? value : [value];
  const out: RawMailbox[] = [];
  const visit = (list: AddressObject['value']): void => {
    for (const entry of list ?? []) {
      if (Array.isArray(entry.group)) visit(entry.group);
      else out.push({ name: typeof entry.name === 'string' ? entry.name : '', address: typeof entry.address === 'string' ? entry.address : null });
    }
  };
  for (const o of objects) visit(o?.value);
  return out;
}

function structured(value: HeaderValue | undefined): RawParsed['contentType'] {
  if (value === undefined || typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) return null;
  const v = value as Partial<StructuredHeader>;
  if (typeof v.value !== 'string') return null;
  return { value: v.value.toLowerCase(), params: { ...(v.params ?? {}) } };
}
