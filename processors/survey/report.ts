/**
 * The survey's figures: response rate, and mean and distribution per question, per topic,
 * team (the line that worked the case), month (of closure) and, only when configured, agent.
 *
 * Small counts are suppressed: a group with fewer than `minGroup` answers (default 5, never
 * below 3) shows no figure. And by difference: the total is shown, so when one group of a
 * dimension is suppressed, total minus the visible groups would give it back; then the next
 * smallest groups are suppressed as well, until the suppressed groups are at least two and
 * together hold at least `minGroup` answers (or everything is suppressed). The same for the
 * response rate: a suppressed group shows its invitations (not answer data) but neither its
 * answers nor its rate. When the total itself is below the threshold, nothing is shown.
 */
import type { SurveyModels, AnswerDoc, InvitationDoc } from './model.ts';

export const MIN_GROUP_FLOOR = 3;

export interface Figures {
  mean: number;
  /** Count per value, '1'…'5'. */
  distribution: Record<string, number>;
}

export interface Group {
  key: string;
  invited: number;
  /** Null when suppressed. */
  answered: number | null;
  responseRate: number | null;
  overall: Figures | null;
  ease: Figures | null;
  questionAnswered: Record<'yes' | 'partly' | 'no', number> | null;
  suppressed: boolean;
}

export const DIMENSIONS = ['topic', 'team', 'month', 'agent'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface SurveyReport {
  generatedAt: Date;
  minGroup: number;
  agentFigures: boolean;
  total: Group;
  groups: Partial<Record<Dimension, Group[]>>;
  /** Free text (redacted when stored), newest first: only for the team lead's page. */
  comments?: Array<{ month: string; text: string }>;
}

export interface ReportOptions {
  minGroup: number;
  agentFigures: boolean;
  withComments?: boolean;
  clock?: () => Date;
}

type Row = Pick<AnswerDoc, 'overall' | 'ease' | 'answered' | 'topic' | 'team' | 'month' | 'agentId' | 'comment'>;
type Inv = Pick<InvitationDoc, 'topic' | 'team' | 'month' | 'agentId'>;

const keyOf = (d: Dimension, r: Row | Inv): string => (d === 'agent' ? r.agentId : r[d]) ?? 'onbekend';

function figures(values: number[]): Figures {
  const distribution: Record<string, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  for (const v of values) distribution[String(v)] = (distribution[String(v)] ?? 0) + 1;
  const mean = values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : 0;
  return { mean, distribution };
}

function group(key: string, invited: number, rows: Row[]): Group {
  const q = { yes: 0, partly: 0, no: 0 };
  for (const r of rows) q[r.answered] += 1;
  return {
    key, invited, answered: rows.length,
    responseRate: invited > 0 ? Math.round((rows.length / invited) * 1000) / 1000 : null,
    overall: figures(rows.map((r) => r.overall)), ease: figures(rows.map((r) => r.ease)), questionAnswered: q,
    suppressed: false,
  };
}

const hide = (g: Group): Group => ({ ...g, answered: null, responseRate: null, overall: null, ease: null, questionAnswered: null, suppressed: true });

/**
 * Which groups of one dimension to suppress, given their answer counts: under the threshold,
 * then complementary suppression so that total minus the visible ones reveals no single
 * group and no combination smaller than the threshold.
 */
export function suppressedKeys(counts: ReadonlyArray<{ key: string; n: number }>, minGroup: number): Set<string> {
  const k = Math.max(MIN_GROUP_FLOOR, minGroup);
  const out = new Set(counts.filter((c) => c.n < k).map((c) => c.key));
  const visible = counts.filter((c) => !out.has(c.key)).sort((a, b) => a.n - b.n || a.key.localeCompare(b.key));
  const hiddenSum = () => counts.filter((c) => out.has(c.key)).reduce((a, c) => a + c.n, 0);
  while (out.size > 0 && (out.size === 1 || hiddenSum() < k) && visible.length > 0) out.add(visible.shift()!.key);
  return out;
}

export async function surveyReport(models: SurveyModels, o: ReportOptions): Promise<SurveyReport> {
  const minGroup = Math.max(MIN_GROUP_FLOOR, o.minGroup);
  const invitations = await models.Invitation.find({ status: 'sent' }, { topic: 1, team: 1, month: 1, agentId: 1 }).lean<Inv[]>();
  const answers = await models.Answer.find({}, { overall: 1, ease: 1, answered: 1, topic: 1, team: 1, month: 1, agentId: 1, ...(o.withComments ? { comment: 1 } : {}) }).lean<Row[]>();
  const dims: Dimension[] = o.agentFigures ? [...DIMENSIONS] : DIMENSIONS.filter((d) => d !== 'agent');
  let total = group('total', invitations.length, answers);
  const totalHidden = answers.length < minGroup;
  if (totalHidden) total = hide(total);
  const groups: SurveyReport['groups'] = {};
  for (const d of dims) {
    const keys = [...new Set([...invitations.map((r) => keyOf(d, r)), ...answers.map((r) => keyOf(d, r))])].sort();
    const built = keys.map((key) => group(key, invitations.filter((r) => keyOf(d, r) === key).length, answers.filter((r) => keyOf(d, r) === key)));
    const hidden = totalHidden ? new Set(keys) : suppressedKeys(built.map((g) => ({ key: g.key, n: g.answered ?? 0 })), minGroup);
    groups[d] = built.map((g) => (hidden.has(g.key) ? hide(g) : g));
  }
  const report: SurveyReport = { generatedAt: (o.clock ?? (() => new Date()))(), minGroup, agentFigures: o.agentFigures, total, groups };
  if (o.withComments && !totalHidden) {
    report.comments = (answers as Array<Row & { answeredAt?: Date }>).filter((a) => a.comment).map((a) => ({ month: a.month, text: a.comment! })).sort((a, b) => b.month.localeCompare(a.month)).slice(0, 500);
  }
  return report;
}

const CSV_COLUMNS = ['dimension', 'group', 'invited', 'answered', 'response_rate', 'overall_mean', 'overall_1', 'overall_2', 'overall_3', 'overall_4', 'overall_5', 'answered_yes', 'answered_partly', 'answered_no', 'ease_mean', 'ease_1', 'ease_2', 'ease_3', 'ease_4', 'ease_5', 'suppressed'];

/** RFC 4180 CSV of the figures (never the free text); a suppressed group has empty figures. */
export function reportCsv(r: SurveyReport): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    // A leading = + - @ would be a formula in a spreadsheet (CSV injection).
    const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const row = (dim: string, g: Group) => [
    dim, g.key, g.invited, g.answered, g.responseRate,
    g.overall?.mean, ...[1, 2, 3, 4, 5].map((v) => g.overall?.distribution[String(v)]),
    g.questionAnswered?.yes, g.questionAnswered?.partly, g.questionAnswered?.no,
    g.ease?.mean, ...[1, 2, 3, 4, 5].map((v) => g.ease?.distribution[String(v)]),
    g.suppressed ? 'yes' : 'no',
  ].map(cell).join(',');
  const lines = [CSV_COLUMNS.join(','), row('total', r.total)];
  for (const [d, gs] of Object.entries(r.groups)) for (const g of gs ?? []) lines.push(row(d, g));
  return `${lines.join('\r\n')}\r\n`;
}
