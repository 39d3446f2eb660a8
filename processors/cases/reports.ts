/**
 * The team lead's figures, without personal data:
 *  - the open work per queue (line), status and topic, from `work_items` (one row per open
 *    case: its cost grows with the open work, not with 18 months of history);
 *  - the confusion matrix of re-classifications: (pipeline's topic, agent's topic) pairs with
 *    counts (CaseDesk.confusionPairs), for the classifier's next round.
 */
import type { CaseDesk } from './work.ts';
import type { CaseModels } from './model.ts';

export interface WorkCounts {
  total: number;
  byLine: Record<string, number>;
  byStatus: Record<string, number>;
  byTopic: Record<string, number>;
  /** Every (line, status, topic) combination that has work. */
  cells: Array<{ line: string; status: string; topic: string; count: number }>;
}

export async function workCounts(models: Pick<CaseModels, 'WorkItem'>): Promise<WorkCounts> {
  const rows = await models.WorkItem.aggregate<{ _id: { line?: string; status?: string; topic?: string }; n: number }>([
    { $group: { _id: { line: '$line', status: '$status', topic: '$topic' }, n: { $sum: 1 } } },
  ]);
  const out: WorkCounts = { total: 0, byLine: {}, byStatus: {}, byTopic: {}, cells: [] };
  const add = (m: Record<string, number>, k: string, n: number) => { m[k] = (m[k] ?? 0) + n; };
  for (const r of rows) {
    const line = r._id.line ?? 'first';
    const status = r._id.status ?? 'unknown';
    const topic = r._id.topic ?? 'unknown';
    out.total += r.n;
    add(out.byLine, line, r.n);
    add(out.byStatus, status, r.n);
    add(out.byTopic, topic, r.n);
    out.cells.push({ line, status, topic, count: r.n });
  }
  out.cells.sort((a, b) => a.line.localeCompare(b.line) || a.status.localeCompare(b.status) || a.topic.localeCompare(b.topic));
  return out;
}

/** The confusion matrix as counted pairs, most frequent first. */
export async function confusionMatrix(desk: Pick<CaseDesk, 'confusionPairs'>): Promise<Array<{ pipeline: string; agent: string; count: number }>> {
  const m = new Map<string, { pipeline: string; agent: string; count: number }>();
  for await (const p of desk.confusionPairs()) {
    const k = `${p.pipeline}\u0000${p.agent}`;
    const e = m.get(k) ?? { pipeline: p.pipeline, agent: p.agent, count: 0 };
    e.count += 1;
    m.set(k, e);
  }
  return [...m.values()].sort((a, b) => b.count - a.count || a.pipeline.localeCompare(b.pipeline) || a.agent.localeCompare(b.agent));
}

/** RFC 4180 CSV; a topic is a code (`[a-z0-9_]`), quoted all the same, and a leading =,+,-,@ can never start a formula. */
export function confusionCsv(rows: Array<{ pipeline: string; agent: string; count: number }>): string {
  const cell = (s: string) => `"${s.replace(/^([=+\-@])/, "'$1").replace(/"/g, '""')}"`;
  return ['pipeline_topic,agent_topic,count', ...rows.map((r) => `${cell(r.pipeline)},${cell(r.agent)},${r.count}`)].join('\r\n') + '\r\n';
}
