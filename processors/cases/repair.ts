/**
 * Work items (the queue's rows, `work_items`) written before their current form, brought in
 * line once. A row records the form it was written in (`rowFormat`, work.ts
 * WORK_ITEM_FORMAT); a row without it, or with an older one, is rewritten from its case, as
 * every write does (desk.syncWorkItem, under the case's lock, so never a stale read over a
 * newer row). Form 2 (issue #16): the subject with e-mail addresses and phone numbers masked;
 * rows from before that showed them in full in the queue until the case's next write.
 *
 * Idempotent and crash-safe: a rewritten row carries the current form, so a second run finds
 * nothing, and a run killed half-way is finished by the next. Cheap once done: one query on
 * the few thousand open rows. Run at the workbench's start, before it serves the queue
 * (workbench/server.tsx).
 */
import type { Model } from 'mongoose';
import type { WorkItemDoc } from './model.ts';
import { WORK_ITEM_FORMAT } from './work.ts';

export interface WorkItemRepair { checked: number; rewritten: number }

export async function repairWorkItems(deps: {
  WorkItem: Model<WorkItemDoc>;
  withCase<T>(caseId: string, fn: () => Promise<T>): Promise<T>;
  syncWorkItem(caseId: string): Promise<void>;
}): Promise<WorkItemRepair> {
  // Only ids: the rows themselves are rebuilt from their cases.
  const stale = await deps.WorkItem.find({ $or: [{ rowFormat: { $exists: false } }, { rowFormat: { $lt: WORK_ITEM_FORMAT } }] }, { _id: 1 }).lean<Array<{ _id: string }>>();
  for (const { _id } of stale) await deps.withCase(_id, () => deps.syncWorkItem(_id));
  return { checked: stale.length, rewritten: stale.length };
}
