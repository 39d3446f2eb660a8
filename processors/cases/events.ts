/**
 * What other systems are told about a case: its history entries as case events (lib/contracts
 * CaseEventV1), without the CloudEvents `source`, which the publisher adds. Notes, contact
 * corrections and BSN reveals are not published (they say nothing another system routes on).
 */
import { CASE_EVENT_SCHEMA_URI, CASE_EVENT_TYPES, type CaseEventV1 } from '../../lib/contracts.ts';
import type { CaseDoc } from './model.ts';

export type CaseEventDraft = Omit<CaseEventV1, 'source'>;

/** The events owed for the history entries after `published` (a version), in order. */
export function caseEventDrafts(c: Pick<CaseDoc, '_id' | 'caseNumber' | 'journal' | 'line' | 'status' | 'routing' | 'classification' | 'channel'>, published: number): CaseEventDraft[] {
  const out: CaseEventDraft[] = [];
  for (const e of c.journal ?? []) {
    if (e.version <= published) continue;
    const type = (CASE_EVENT_TYPES as Record<string, string>)[e.action];
    if (!type) continue;
    const at = new Date(e.at).toISOString();
    out.push({
      specversion: '1.0',
      id: `${c._id.slice(0, 32)}:${e.version}`,
      type,
      time: at,
      datacontenttype: 'application/json',
      dataschema: CASE_EVENT_SCHEMA_URI,
      data: {
        schemaVersion: 1,
        caseNumber: c.caseNumber,
        action: e.action,
        version: e.version,
        // The case's state now: the queue and status it is in after this entry and any later.
        queue: c.line ?? 'first',
        topic: c.routing?.topic ?? c.classification?.topic ?? null,
        language: c.classification?.language ?? null,
        status: c.status,
        channel: c.channel,
        actorRole: e.actor.role,
        at,
      },
    });
  }
  return out;
}
