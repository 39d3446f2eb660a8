/**
 * What the citizen sent, kept for as long as the case (issue #16): the sanitised HTML body
 * and the attachments that are not ID copies (screenshots, photos of a letter, PDFs,
 * inline `cid:` parts). Before this the bytes were gone with the raw mail, 3 days after it
 * arrived (the processed folder's term), and an agent on day 4 could not see the
 * screenshot the question was about.
 *
 * - `message_contents`: one document per case message (`_id` = the message's dedupe key, so a
 *   redelivery writes nothing twice), `caseId`, the HTML sealed with the field cipher (aad
 *   `message_contents/<key>/html`), the counts of remote content removed, and per
 *   attachment its name, type, size, hash, Content-ID and the GridFS blob holding it.
 * - GridFS bucket `message_content`: each attachment's bytes sealed with the same cipher
 *   (aad `message_content/<key>/<index>`), stored as iv ‖ tag ‖ ciphertext; the key id is on
 *   the part. The bucket is lib/claimcheck's store (its expiry sweep and orphan sweep).
 *
 * Register category `message_content` (18 months after the case's last activity, the case's
 * own term): the document's `expiresAt` and each blob's `metadata.expiresAt` follow the case
 * (`follow`, called wherever the case store moves the case's term, and by `kcc retention
 * recompute`). Blobs are written first with the short claim-check term and extended to the
 * case's once the document names them, so a crash in between leaves a blob that goes in
 * 3 days, never one nobody knows of for 18 months.
 *
 * Attachments that are ID copies never stay here: processors/attachments drops a part as soon
 * as the inspector says so, and until then (`inspection: 'pending'` on the case) the
 * workbench does not serve it. ID copies live only in identity_documents.
 */
import type { Connection, Model } from 'mongoose';
import type { mongo } from 'mongoose';
import { createClaimCheckStore, type ClaimCheckStore } from '../../lib/claimcheck.ts';
import type { EncryptedValue, FieldCipher } from '../../lib/crypto.ts';
import { pdSchema, sealedValueSchema } from '../../lib/pd-schema.ts';
import { addDuration, technicalRetentionFor } from '../../config/register.ts';
import { sanitiseForKeeping, type SanitisedHtml } from './sanitise.ts';

export const CONTENT_COLLECTION = 'message_contents';
export const CONTENT_BUCKET = 'message_content';

export interface ContentPartDoc {
  index: number;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  contentId: string | null;
  inline: boolean;
  /** GridFS file id (hex) in the `message_content` bucket; absent once the part was dropped (an ID copy). */
  fileId?: string;
  kid?: string;
  /** Set when the part was removed because the inspector found an ID copy. */
  droppedAs?: string;
}

export interface MessageContentDoc {
  _id: string;
  caseId: string;
  receivedAt: Date;
  html?: EncryptedValue;
  htmlDropped?: string;
  blocked: { images: number; styles: number };
  parts: ContentPartDoc[];
  expiresAt: Date;
}

const PartSchema = pdSchema(
  {
    index: { type: Number, pd: false },
    filename: { type: String, pd: 'message_content' },
    contentType: { type: String, pd: false },
    size: { type: Number, pd: false },
    sha256: { type: String, pd: false },
    contentId: { type: String, pd: 'message_content' },
    inline: { type: Boolean, pd: false },
    fileId: { type: String, pd: false },
    kid: { type: String, pd: false },
    droppedAs: { type: String, pd: false },
  },
  { _id: false },
);

export const messageContentSchema = pdSchema(
  {
    /** The case message's dedupe key (a hash). */
    _id: { type: String, pd: false },
    caseId: { type: String, required: true, index: true, pd: false },
    receivedAt: { type: Date, pd: false },
    /** The sanitised, redacted HTML body, sealed; aad `message_contents/<_id>/html`. */
    html: { type: sealedValueSchema, pd: 'message_content' },
    /** Why the HTML was not kept although there was some (processors/content/sanitise.ts). */
    htmlDropped: { type: String, pd: false },
    blocked: { images: { type: Number, pd: false }, styles: { type: Number, pd: false } },
    /** Attachments with their blob (the bytes: GridFS `message_content`, sealed). */
    parts: { type: [PartSchema], pd: 'message_content' },
    /** The case's expiresAt (register message_content, the case's term), kept in step by `follow`. */
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: CONTENT_COLLECTION, versionKey: false },
);

export function contentModel(conn: Connection): Model<MessageContentDoc> {
  return (conn.models.MessageContent as Model<MessageContentDoc>) ?? conn.model<MessageContentDoc>('MessageContent', messageContentSchema as never);
}

/** What the intake hands over of one message: the HTML as sent and every attachment with its bytes. */
export interface ContentInput {
  caseId: string;
  dedupeKey: string;
  receivedAt: Date;
  html: string | null;
  attachments: ReadonlyArray<{ index: number; filename: string; contentType: string; size: number; sha256: string; contentId: string | null; inline: boolean; content: Buffer; kind: string }>;
  /** The case's expiresAt after the message was stored. */
  expiresAt: Date;
}

export interface ShownContent {
  caseId: string;
  dedupeKey: string;
  html: string | null;
  htmlDropped: string | null;
  blocked: { images: number; styles: number };
  parts: ContentPartDoc[];
}

export interface ContentStore {
  readonly model: Model<MessageContentDoc>;
  readonly blobs: ClaimCheckStore;
  /** Keep a message's content (idempotent by dedupe key). Returns false when it was kept before. */
  keep(input: ContentInput): Promise<boolean>;
  /** The sanitised HTML (only in a form made for display: processors/content/render.ts) and the parts. */
  read(caseId: string, dedupeKey: string): Promise<ShownContent | null>;
  /** Every message's content of a case, HTML opened. */
  readCase(caseId: string): Promise<ShownContent[]>;
  /** One part's bytes, or null when it is not there (dropped, expired, never kept). */
  partBytes(caseId: string, dedupeKey: string, index: number): Promise<{ part: ContentPartDoc; bytes: Buffer } | null>;
  /** Move the content's expiry with the case's. */
  follow(caseId: string, expiresAt: Date): Promise<number>;
  /** An attachment found to be an ID copy: its bytes go at once (they live in identity_documents). */
  dropPart(dedupeKey: string, index: number, why: string): Promise<boolean>;
  /** Erase everything of these cases; counts per store. */
  eraseCases(caseIds: readonly string[]): Promise<{ message_contents: number; message_content_blobs: number }>;
  /** Expired blobs (the retention role), then orphan chunks. */
  sweep(now: Date): Promise<{ expired: number }>;
  ensureIndexes(): Promise<void>;
}

const htmlAad = (key: string) => `${CONTENT_COLLECTION}/${key}/html`;
const partAad = (key: string, index: number) => `${CONTENT_BUCKET}/${key}/${index}`;

function packSealed(v: EncryptedValue): Buffer {
  return Buffer.concat([Buffer.from(v.iv, 'base64'), Buffer.from(v.tag, 'base64'), Buffer.from(v.ct, 'base64')]);
}
function unpackSealed(b: Buffer, kid: string): EncryptedValue {
  return { v: 1, kid, iv: b.subarray(0, 12).toString('base64'), tag: b.subarray(12, 28).toString('base64'), ct: b.subarray(28).toString('base64') };
}

/** Attachments a case message keeps: everything but what is already known as an ID copy or signature. */
export function isKeptPart(a: { kind: string; contentType: string }): boolean {
  if (a.kind === 'id_document' || a.kind === 'signature') return false;
  // Delivery reports and the like are not the citizen's content.
  return !/^message\/(?:delivery-status|disposition-notification|feedback-report)$/.test(a.contentType);
}

export function createContentStore(conn: Connection, deps: { cipher: FieldCipher; clock?: () => Date }): ContentStore {
  const model = contentModel(conn);
  const db = conn.db!;
  const blobs = createClaimCheckStore(db as unknown as mongo.Db, CONTENT_BUCKET);
  const files = db.collection(`${CONTENT_BUCKET}.files`);
  const now = deps.clock ?? (() => new Date());

  async function setBlobExpiry(ids: readonly string[], expiresAt: Date): Promise<number> {
    if (ids.length === 0) return 0;
    const { ObjectId } = await import('mongodb');
    // One statement per blob by `_id` equality (FerretDB 1.x pushes only equality down).
    const res = await files.bulkWrite(ids.map((id) => ({ updateOne: { filter: { _id: new ObjectId(id) }, update: { $set: { 'metadata.expiresAt': expiresAt } } } })), { ordered: false });
    return res.modifiedCount;
  }

  function toShown(d: MessageContentDoc): ShownContent {
    return {
      caseId: d.caseId, dedupeKey: d._id,
      html: d.html ? deps.cipher.decryptString(d.html, htmlAad(d._id)) : null,
      htmlDropped: d.htmlDropped ?? null,
      blocked: { images: d.blocked?.images ?? 0, styles: d.blocked?.styles ?? 0 },
      parts: d.parts ?? [],
    };
  }

  return {
    model,
    blobs,
    async ensureIndexes() {
      await model.createIndexes();
    },
    async keep(input) {
      const existing = await model.findById(input.dedupeKey, { _id: 1 }).lean();
      if (existing) return false;
      const s: SanitisedHtml | null = input.html ? sanitiseForKeeping(input.html) : null;
      const shortTerm = addDuration(now(), technicalRetentionFor('claim_check_blob'));
      const parts: ContentPartDoc[] = [];
      for (const a of input.attachments) {
        const part: ContentPartDoc = { index: a.index, filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256, contentId: a.contentId?.toLowerCase() ?? null, inline: a.inline };
        if (isKeptPart(a)) {
          const sealed = deps.cipher.encrypt(a.content, partAad(input.dedupeKey, a.index));
          part.fileId = await blobs.put(packSealed(sealed), shortTerm);
          part.kid = sealed.kid;
        } else part.droppedAs = a.kind;
        parts.push(part);
      }
      const doc: MessageContentDoc = {
        _id: input.dedupeKey, caseId: input.caseId, receivedAt: input.receivedAt,
        ...(s?.html ? { html: deps.cipher.encrypt(s.html, htmlAad(input.dedupeKey)) } : {}),
        ...(s?.dropped && input.html ? { htmlDropped: s.dropped } : {}),
        blocked: s?.blocked ?? { images: 0, styles: 0 },
        parts,
        expiresAt: input.expiresAt,
      };
      try {
        await model.collection.insertOne(doc as never);
      } catch (err) {
        if ((err as { code?: number }).code !== 11000) throw err;
        // A concurrent redelivery won: our blobs are nobody's and go with their short term.
        return false;
      }
      await setBlobExpiry(parts.flatMap((p) => (p.fileId ? [p.fileId] : [])), input.expiresAt);
      return true;
    },
    async read(caseId, dedupeKey) {
      const d = await model.findById(dedupeKey).lean<MessageContentDoc>();
      if (!d || d.caseId !== caseId) return null;
      return toShown(d);
    },
    async readCase(caseId) {
      const docs = await model.find({ caseId }).lean<MessageContentDoc[]>();
      return docs.map(toShown);
    },
    async partBytes(caseId, dedupeKey, index) {
      const d = await model.findById(dedupeKey).lean<MessageContentDoc>();
      if (!d || d.caseId !== caseId) return null;
      const part = d.parts.find((p) => p.index === index);
      if (!part?.fileId || !part.kid) return null;
      let packed: Buffer;
      try {
        packed = await blobs.get(part.fileId);
      } catch (err) {
        if ((err as { code?: string }).code === 'CLAIMCHECK_MISSING') return null;
        throw err;
      }
      return { part, bytes: deps.cipher.decrypt(unpackSealed(packed, part.kid), partAad(dedupeKey, index)) };
    },
    async follow(caseId, expiresAt) {
      const docs = await model.find({ caseId }, { _id: 1, parts: 1, expiresAt: 1 }).lean<MessageContentDoc[]>();
      const moved = docs.filter((d) => d.expiresAt?.getTime() !== expiresAt.getTime());
      if (moved.length === 0) return 0;
      await model.collection.bulkWrite(moved.map((d) => ({ updateOne: { filter: { _id: d._id as never }, update: { $set: { expiresAt } } } })), { ordered: false });
      await setBlobExpiry(moved.flatMap((d) => d.parts.flatMap((p) => (p.fileId ? [p.fileId] : []))), expiresAt);
      return moved.length;
    },
    async dropPart(dedupeKey, index, why) {
      const d = await model.findById(dedupeKey).lean<MessageContentDoc>();
      const i = d?.parts.findIndex((p) => p.index === index) ?? -1;
      if (!d || i < 0) return false;
      const part = d.parts[i]!;
      if (part.fileId) await blobs.delete(part.fileId);
      await model.collection.updateOne({ _id: dedupeKey as never }, { $set: { [`parts.${i}.droppedAs`]: why }, $unset: { [`parts.${i}.fileId`]: 1, [`parts.${i}.kid`]: 1 } });
      return !!part.fileId;
    },
    eraseCases: (caseIds) => eraseContentOf(db as unknown as mongo.Db, caseIds),
    async sweep(at) {
      return { expired: await blobs.sweepExpired(at) };
    },
  };
}

/**
 * Erase the kept content of these cases: blobs first, then the documents naming them, so an
 * erasure cut short is completed by running it again. Needs no key (DSAR erasure, "not a case").
 */
export async function eraseContentOf(db: mongo.Db, caseIds: readonly string[]): Promise<{ message_contents: number; message_content_blobs: number }> {
  const blobs = createClaimCheckStore(db, CONTENT_BUCKET);
  const col = db.collection<{ _id: string; caseId: string; parts?: ContentPartDoc[] }>(CONTENT_COLLECTION);
  let blobsDeleted = 0;
  let docsDeleted = 0;
  for (const caseId of caseIds) {
    // By caseId (an indexed top-level equality): pushed down on FerretDB too.
    const docs = await col.find({ caseId }, { projection: { _id: 1, parts: 1 } }).toArray();
    for (const d of docs) {
      for (const p of d.parts ?? []) if (p.fileId) { await blobs.delete(p.fileId); blobsDeleted += 1; }
      docsDeleted += (await col.deleteOne({ _id: d._id })).deletedCount;
    }
  }
  return { message_contents: docsDeleted, message_content_blobs: blobsDeleted };
}
