/**
 * The processing log of reads (issue #16), after Logius's standard "Logboek
 * dataverwerkingen" (LDV): every look at a case's personal data — the case view, the
 * message as sent, an attachment, a BSN reveal, an ID copy, an export — is one entry, in
 * the standard's shape: `trace_id` (16 bytes hex), `span_id` (8 bytes hex), `name` (the
 * operation), `status_code`, `start_time`/`end_time` (ms), `resource` (which application)
 * and `attributes` with the reserved `dpl.core.processing_activity_id` (a URI naming the
 * register entry, M1533) and `dpl.core.data_subject_id`/`_type`.
 *
 * No personal data in it: the data subject is named by the case id (a hash, not an
 * identifier of the person: LDV asks for a "versleutelde identificerende code"), the actor by
 * account id and role (staff accounts, as in the audit log), the purpose by the register's
 * purpose id. An agent's free-text reason (a BSN reveal) stays on the case, never here.
 *
 * A look that was refused is not a processing: it is an `access_denied` audit entry only.
 * Kept for the register's technical term `read_log` (P24M: as long as the case it is about
 * can exist plus the answer time of a data-subject request), by the same retention
 * mechanisms as everything else (`expiresAt`).
 */
import { randomBytes } from 'node:crypto';
import type { Connection, Model } from 'mongoose';
import { addDuration, technicalRetentionFor } from '../../config/register.ts';
import { pdSchema } from '../../lib/pd-schema.ts';

export const READ_LOG_COLLECTION = 'read_log';

/** The operations a read can be (LDV `name`). */
export const READ_ACTIVITIES = ['case_view', 'message_view', 'attachment_view', 'attachment_download', 'bsn_reveal', 'id_copy_view', 'export'] as const;
export type ReadActivity = (typeof READ_ACTIVITIES)[number];

/** LDV `dpl.core.processing_activity_id`: the register entry this processing rests on. */
export const PROCESSING_ACTIVITY_ID = 'urn:nl:logius:verwerkingsregister:M1533';
/** LDV `dpl.core.data_subject_id_type`: the subject is named by the case it is about. */
export const DATA_SUBJECT_ID_TYPE = 'urn:nl:logius:kcc:case-id';

export interface ReadLogEntryDoc {
  _id: string;
  trace_id: string;
  span_id: string;
  name: ReadActivity;
  status_code: 'STATUS_CODE_OK';
  start_time: Date;
  end_time: Date;
  /** LDV `resource.attributes`: which application did it (key-value pairs). */
  resource: { attributes: Array<{ key: string; value: string }> };
  /**
   * LDV `attributes`: a list of key-value pairs (as OTLP has them; also because key names with
   * dots cannot be document field names everywhere): dpl.core.processing_activity_id,
   * dpl.core.data_subject_id, dpl.core.data_subject_id_type, kcc.actor.id, kcc.actor.role,
   * kcc.purpose (the register's purpose id).
   */
  attributes: Array<{ key: string; value: string }>;
  /** The same three as plain fields, for the per-case page and the export. */
  actor: { id: string; role: string };
  purpose: string;

  /** Top-level copy of the subject's case id for the per-case look-up (an indexed equality). */
  caseId: string;
  expiresAt: Date;
}

const schema = pdSchema(
  {
    _id: { type: String, pd: false },
    trace_id: { type: String, required: true, pd: false },
    span_id: { type: String, required: true, pd: false },
    name: { type: String, enum: READ_ACTIVITIES, required: true, pd: false },
    status_code: { type: String, required: true, pd: false },
    start_time: { type: Date, required: true, pd: false },
    end_time: { type: Date, required: true, pd: false },
    // Staff account ids and roles, the register entry and the case id: no citizen category.
    resource: { type: Object, pd: false },
    attributes: { type: [Object], pd: false },
    actor: { id: { type: String, pd: false }, role: { type: String, pd: false } },
    purpose: { type: String, pd: false },
    caseId: { type: String, required: true, index: true, pd: false },
    expiresAt: { type: Date, required: true, pd: false },
  },
  { collection: READ_LOG_COLLECTION, versionKey: false },
);

export function readLogModel(conn: Connection): Model<ReadLogEntryDoc> {
  return (conn.models.ReadLogEntry as Model<ReadLogEntryDoc>) ?? conn.model<ReadLogEntryDoc>('ReadLogEntry', schema as never);
}

export interface ReadInput {
  activity: ReadActivity;
  caseId: string;
  actor: { id: string; role: string };
  purpose?: string;
  /** The request's W3C trace id, when it came with one; else a fresh one. */
  traceId?: string;
  at?: Date;
}

/** As a privacy officer and a DSAR export show it. */
export interface ReadLogLine { at: Date; activity: ReadActivity; actorId: string; role: string; purpose: string }

export interface ReadLog {
  readonly model: Model<ReadLogEntryDoc>;
  record(input: ReadInput): Promise<ReadLogEntryDoc>;
  /** Every look at this case, oldest first. */
  forCase(caseId: string): Promise<ReadLogLine[]>;
  ensureIndexes(): Promise<void>;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const TRACE_ID = /^[0-9a-f]{32}$/;

export function createReadLog(conn: Connection, options: { clock?: () => Date; service?: string } = {}): ReadLog {
  const model = readLogModel(conn);
  const clock = options.clock ?? (() => new Date());
  const term = technicalRetentionFor('read_log');
  return {
    model,
    async ensureIndexes() {
      await model.createIndexes();
    },
    async record(input) {
      if (!(READ_ACTIVITIES as readonly string[]).includes(input.activity)) throw new TypeError('unknown read activity');
      const at = input.at ?? clock();
      const span = hex(8);
      const doc: ReadLogEntryDoc = {
        _id: span,
        trace_id: input.traceId && TRACE_ID.test(input.traceId) ? input.traceId : hex(16),
        span_id: span,
        name: input.activity,
        status_code: 'STATUS_CODE_OK',
        start_time: at,
        end_time: at,
        resource: { attributes: [{ key: 'service.name', value: options.service ?? 'kcc-workbench' }] },
        attributes: [
          { key: 'dpl.core.processing_activity_id', value: PROCESSING_ACTIVITY_ID },
          { key: 'dpl.core.data_subject_id', value: input.caseId },
          { key: 'dpl.core.data_subject_id_type', value: DATA_SUBJECT_ID_TYPE },
          { key: 'kcc.actor.id', value: input.actor.id },
          { key: 'kcc.actor.role', value: input.actor.role },
          { key: 'kcc.purpose', value: input.purpose ?? 'citizen_support' },
        ],
        actor: { id: input.actor.id, role: input.actor.role },
        purpose: input.purpose ?? 'citizen_support',
        caseId: input.caseId,
        expiresAt: addDuration(at, term),
      };
      await model.collection.insertOne(doc as never);
      return doc;
    },
    async forCase(caseId) {
      const docs = await model.find({ caseId }).lean<ReadLogEntryDoc[]>();
      return docs
        .map((d) => ({ at: d.start_time, activity: d.name, actorId: d.actor.id, role: d.actor.role, purpose: d.purpose }))
        .sort((a, b) => a.at.getTime() - b.at.getTime());
    },
  };
}
