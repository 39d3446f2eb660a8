/**
 * The survey report on the real database: small groups suppressed, also by difference
 * (total minus the visible groups must not give a suppressed one back); the CSV; `kcc
 * survey report`; the team lead's page (free text for team leads only, per-agent figures
 * off by default and saying why, every showing of them audited).
 */
import { expect } from 'chai';
import { addDuration } from '../../../config/register.ts';
import { surveyReport, reportCsv, surveyModels, type SurveyModels } from '../../../processors/survey/index.ts';
import { suppressedKeys } from '../../../processors/survey/report.ts';
import { redactIdentifiers } from '../../../processors/extract/index.ts';
import { surveyCommand } from '../../../cli/survey.ts';
import { signIn, startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';
import { config } from '../../support/env.ts';

describe('survey report: suppression of small groups, also by difference', function () {
  this.timeout(120_000);
  let t: TestWorkbench;
  let models: SurveyModels;
  const at = new Date('2026-11-10T10:00:00Z');

  before(async () => {
    t = await startTestWorkbench('test_survey_report', {}, undefined, { minGroup: 5 });
    models = surveyModels(t.conn);
    // Topics: digid 12 answers, mijnoverheid 6, berichtenbox 2 (under 5), eherkenning 1 (under 5).
    // Suppressing only the two small ones leaves 3 hidden answers: total − visible = 3 < 5, so
    // the next smallest (mijnoverheid) must go too.
    const spec: Array<[string, number]> = [['digid', 12], ['mijnoverheid', 6], ['berichtenbox', 2], ['eherkenning', 1]];
    let n = 0;
    for (const [topic, count] of spec) {
      for (let i = 0; i < count; i++) {
        n += 1;
        await models.Invitation.create({ _id: `inv-${n}`, caseId: `case-${n}`, status: 'sent', topic, team: 'first', month: '2026-11', agentId: i % 2 ? 'agent-x' : 'agent-y', createdAt: at, expiresAt: addDuration(at, 'P18M') });
        await models.Answer.create({ _id: `ans-${n}`, answeredAt: at, month: '2026-11', topic, team: 'first', channel: 'email', language: 'nl', agentId: i % 2 ? 'agent-x' : 'agent-y', overall: 1 + (n % 5), answered: 'yes', ease: 1 + ((n + 2) % 5), ...(n === 1 ? { comment: redactIdentifiers('Goed geholpen, bel me op 06-12345678') } : {}), expiresAt: addDuration(at, 'P18M') });
      }
    }
    // Two more invitations without an answer in digid: the response rate is not 100%.
    for (let i = 0; i < 2; i++) await models.Invitation.create({ _id: `inv-x${i}`, caseId: `case-x${i}`, status: 'sent', topic: 'digid', team: 'first', month: '2026-11', createdAt: at, expiresAt: addDuration(at, 'P18M') });
  });
  after(async () => { await t.close(); });

  it('suppresses groups under the threshold and the next smallest until the hidden ones cannot be worked out', async () => {
    const r = await surveyReport(models, { minGroup: 5, agentFigures: false });
    expect(r.total).to.include({ answered: 21, invited: 23, suppressed: false });
    const byTopic = Object.fromEntries(r.groups.topic!.map((g) => [g.key, g]));
    expect(byTopic.digid!.suppressed).to.equal(false);
    expect(byTopic.digid!.answered).to.equal(12);
    expect(byTopic.digid!.responseRate).to.equal(Math.round((12 / 14) * 1000) / 1000);
    expect(byTopic.berichtenbox!.suppressed).to.equal(true);
    expect(byTopic.eherkenning!.suppressed).to.equal(true);
    // By difference: with only those two hidden, 21 − 12 − 6 = 3 answers would be known.
    expect(byTopic.mijnoverheid!.suppressed).to.equal(true);
    expect(byTopic.berichtenbox!.answered).to.equal(null);
    expect(byTopic.berichtenbox!.overall).to.equal(null);
    // No per-agent figures unless configured.
    expect(r.groups.agent).to.equal(undefined);
    // The rule in general: never exactly one hidden group, never a hidden sum under k.
    expect([...suppressedKeys([{ key: 'a', n: 10 }, { key: 'b', n: 9 }, { key: 'c', n: 4 }], 5)].sort()).to.deep.equal(['b', 'c']);
    expect([...suppressedKeys([{ key: 'a', n: 10 }, { key: 'b', n: 9 }], 5)]).to.deep.equal([]);
    expect([...suppressedKeys([{ key: 'a', n: 2 }, { key: 'b', n: 2 }, { key: 'c', n: 30 }], 5)].sort()).to.deep.equal(['a', 'b', 'c']);
    // Never below 3, whatever is asked for.
    expect((await surveyReport(models, { minGroup: 1, agentFigures: false })).minGroup).to.equal(3);
  });

  it('suppresses everything when the total is under the threshold', async () => {
    const r = await surveyReport(models, { minGroup: 50, agentFigures: false });
    expect(r.total.suppressed).to.equal(true);
    expect(r.groups.topic!.every((g) => g.suppressed)).to.equal(true);
  });

  it('exports CSV and prints through kcc survey report (--json, --csv) without free text', async () => {
    const csv = reportCsv(await surveyReport(models, { minGroup: 5, agentFigures: false }));
    expect(csv.split('\r\n')[0]).to.match(/^dimension,group,invited,answered,response_rate,overall_mean/);
    expect(csv).to.match(/\r\ntopic,berichtenbox,2,,,,,,,,,,,,,,,,,,yes\r\n/);
    let out = '';
    const dbUrl = new URL(config.mongoUrl);
    dbUrl.pathname = `/${t.conn.db!.databaseName}`;
    expect(await surveyCommand(['report', '--json'], { config, mongoUrl: dbUrl.toString(), out: (s) => { out += s; }, err: () => undefined })).to.equal(0);
    const json = JSON.parse(out);
    expect(json.total.answered).to.equal(21);
    expect(out).to.not.include('[TELEFOON]');
    out = '';
    expect(await surveyCommand(['report', '--csv'], { config, mongoUrl: dbUrl.toString(), out: (s) => { out += s; }, err: () => undefined })).to.equal(0);
    expect(out).to.include('topic,digid,14,12');
    expect(await surveyCommand(['report', '--json', '--csv'], { config, mongoUrl: dbUrl.toString(), out: () => undefined, err: () => undefined })).to.equal(2);
  });

  it('the report page: team leads only, free text there, says why per-agent figures are off; CSV download', async () => {
    const lead = await signIn(t.url, 'teamleider');
    const res = await lead.get('/enquete-rapport');
    expect(res.status).to.equal(200);
    const body = await res.text();
    expect(body).to.include('WOR art. 27 lid 1 sub l');
    expect(body).to.include('Goed geholpen, bel me op [TELEFOON]');
    expect(body).to.not.include('agent-x');
    const csv = await lead.get('/enquete-rapport.csv');
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    const first = await signIn(t.url, 'eerstelijn');
    expect((await first.get('/enquete-rapport')).status).to.equal(403);
  });

  it('per-agent figures when configured: shown, and every showing audited', async () => {
    const t2 = await startTestWorkbench('test_survey_report_agents', {}, undefined, { minGroup: 3, agentFigures: true });
    try {
      const m2 = surveyModels(t2.conn);
      for (let i = 0; i < 8; i++) {
        await m2.Answer.create({ _id: `a${i}`, answeredAt: at, month: '2026-11', topic: 'digid', team: 'first', agentId: i < 4 ? 'agent-x' : 'agent-y', overall: 4, answered: 'yes', ease: 4, expiresAt: addDuration(at, 'P18M') });
      }
      const lead = await signIn(t2.url, 'teamleider');
      for (let i = 0; i < 2; i++) expect((await lead.get('/enquete-rapport')).status).to.equal(200);
      const page = await (await lead.get('/enquete-rapport')).text();
      expect(page).to.include('agent-x');
      expect(await t2.audit.models.AuditEntry.countDocuments({ action: 'read_survey_agent_figures' })).to.equal(3);
    } finally {
      await t2.close();
    }
  });
});
