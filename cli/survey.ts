/**
 * `kcc survey report [--json | --csv] [--actor NAME]`: the satisfaction survey's figures
 * (processors/survey report.ts): response rate, mean and distribution per question, per
 * topic, team and month, small groups suppressed (also by difference). Per-agent figures only
 * when KCC_SURVEY_AGENT_FIGURES is on, and then the showing is audited. Never the free text:
 * that is for team leads, on the workbench's report page.
 */
import { parseArgs } from 'node:util';
import { createAuditLog } from '../processors/audit/index.ts';
import { reportCsv, surveyModels, surveyReport, type SurveyReport } from '../processors/survey/index.ts';
import { UsageError, cliActor, ioOf, withConnection, type CliDeps } from './audit.ts';
import { usageOf } from './usage.ts';

function text(r: SurveyReport): string {
  const line = (label: string, g: SurveyReport['total']) => g.suppressed
    ? `  ${label.padEnd(24)} invited ${String(g.invited).padStart(5)}  suppressed (fewer than ${r.minGroup} answers, or to prevent differencing)`
    : `  ${label.padEnd(24)} invited ${String(g.invited).padStart(5)}  answers ${String(g.answered).padStart(5)}  response ${g.responseRate === null ? '-' : `${Math.round(g.responseRate * 100)}%`}  satisfaction ${g.overall!.mean} [${[1, 2, 3, 4, 5].map((v) => g.overall!.distribution[v] ?? 0).join('/')}]  answered yes/partly/no ${g.questionAnswered!.yes}/${g.questionAnswered!.partly}/${g.questionAnswered!.no}  ease ${g.ease!.mean} [${[1, 2, 3, 4, 5].map((v) => g.ease!.distribution[v] ?? 0).join('/')}]`;
  const out = [`Satisfaction survey, ${r.generatedAt.toISOString()} (groups under ${r.minGroup} answers suppressed)`, line('total', r.total)];
  for (const [d, gs] of Object.entries(r.groups)) {
    out.push(`per ${d}:`);
    for (const g of gs ?? []) out.push(line(g.key, g));
  }
  if (!r.agentFigures) out.push('per agent: off (KCC_SURVEY_AGENT_FIGURES=false; monitoring staff needs the works council\'s consent, WOR art. 27 lid 1 sub l)');
  return `${out.join('\n')}\n`;
}

export async function surveyCommand(args: string[], deps: CliDeps = {}): Promise<number> {
  const io = ioOf(deps);
  const [sub, ...rest] = args;
  let values: { json?: boolean; csv?: boolean; actor?: string };
  try {
    if (sub !== 'report') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'missing subcommand');
    ({ values } = parseArgs({ args: rest, options: { json: { type: 'boolean' }, csv: { type: 'boolean' }, actor: { type: 'string' } }, strict: true, allowPositionals: false }));
    if (values.json && values.csv) throw new UsageError('--json and --csv exclude each other');
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`kcc survey: ${(err as Error).message}\n${usageOf('survey')}`);
      return 2;
    }
    throw err;
  }
  return withConnection(deps, async (conn, config) => {
    const r = await surveyReport(surveyModels(conn), { minGroup: config.survey.minGroup, agentFigures: config.survey.agentFigures, clock: io.clock });
    if (r.agentFigures) await createAuditLog(conn, { clock: io.clock }).record({ actor: cliActor(values.actor, 'team_lead'), action: 'read_survey_agent_figures', route: 'kcc survey report' });
    io.out(values.csv ? reportCsv(r) : values.json ? `${JSON.stringify(r, null, 2)}\n` : text(r));
    return 0;
  });
}
