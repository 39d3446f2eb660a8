/**
 * `kcc retention report`'s parts, shared with the workbench's retention page (privacy
 * officer): the deletion log's summary over the general term back from now, and the TTL
 * reconciliation's overdue counts; `retentionJson` joins them with lib/retention's
 * per-collection report into the one shape both print.
 */
import type mongoose from 'mongoose';
import { GENERAL_RETENTION, parseIsoDuration, addDuration } from '../../config/register.ts';
import type { CollectionRetention } from '../../lib/retention.ts';
import { createAuditLog, type DeletionSummary } from '../audit/index.ts';
import { TTL_WATCH_COLLECTION } from './index.ts';

/** The report's deletion part: the general term (P18M) back from now, the question a privacy officer is asked about. */
export function deletionWindowStart(now: Date): Date {
  const d = parseIsoDuration(GENERAL_RETENTION);
  return addDuration(now, { ...d, years: -d.years, months: -d.months, weeks: -d.weeks, days: -d.days, hours: -d.hours, minutes: -d.minutes, seconds: -d.seconds });
}

export interface DeletionReport {
  since: Date;
  /** Per collection (or field-level key, e.g. `cases.bsnSealed`): documents deleted per mechanism, and the last deletion's time. */
  deletions: DeletionSummary;
  /** Per collection: documents the TTL reconciliation has seen past expiresAt + its lag allowance and still present. */
  ttlOverdue: Record<string, number>;
}

/** Deletions by mechanism since the window start, and the TTL reconciliation's overdue counts. */
export async function deletionReport(conn: mongoose.Connection, collections: readonly string[], now: Date): Promise<DeletionReport> {
  const since = deletionWindowStart(now);
  // The deletion log is small (a link per erasure, verification, or run that deleted anything); a range read on it is cheap everywhere.
  const deletions = await createAuditLog(conn).deletionSummary({ from: since, to: new Date(now.getTime() + 1) });
  const watch = conn.db!.collection(TTL_WATCH_COLLECTION);
  const ttlOverdue: Record<string, number> = {};
  // Equality on indexed top-level fields only (collection_state): pushed down on FerretDB too.
  for (const c of collections) ttlOverdue[c] = await watch.countDocuments({ collection: c, state: 'noted', overdue: true });
  return { since, deletions, ttlOverdue };
}

/**
 * Each collection's entry gains `deletions` and `ttlOverdue`; names in the deletion log that
 * are not collections here (imap_processed, cases.bsnSealed) get `deletions` only.
 */
export function retentionJson(report: Record<string, CollectionRetention>, deletions: DeletionReport): Record<string, Partial<CollectionRetention> & { ttlOverdue?: number; deletions: DeletionSummary[string] }> {
  const out: Record<string, Partial<CollectionRetention> & { ttlOverdue?: number; deletions: DeletionSummary[string] }> = {};
  for (const [name, r] of Object.entries(report)) out[name] = { ...r, ttlOverdue: deletions.ttlOverdue[name] ?? 0, deletions: deletions.deletions[name] ?? {} };
  for (const [name, d] of Object.entries(deletions.deletions)) if (!(name in out)) out[name] = { deletions: d };
  return out;
}
