/**
 * Case events for other systems: every creation, assignment, reply, escalation, verification
 * and closure becomes a CloudEvents 1.0 (NL GOV profile) event on the versioned topic, with no
 * message text, contact details or BSN. The case's history is the outbox: with Kafka away the
 * events wait on the case and go, once each, when it is back.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { intakeMessage } from '../../support/casestore.ts';
import { config, eventually, logger, uniqueName } from '../../support/env.ts';
import { startTestWorkbench, type TestWorkbench } from '../../support/workbench.ts';
import { createBus, type Bus } from '../../../lib/kafka/index.ts';
import { CaseEventV1 } from '../../../lib/contracts.ts';
import { createCaseEventPublisher } from '../../../processors/events/index.ts';

describe('events: case events as CloudEvents, through the case\'s own outbox', function () {
  this.timeout(120_000);
  let t: TestWorkbench;
  let bus: Bus;
  let topic: string;
  const agent = { id: 'eerstelijn', role: 'first_line' };

  before(async () => {
    t = await startTestWorkbench('wbevents');
    bus = createBus({ brokers: config.kafka.brokers, clientId: uniqueName('events'), logger });
    topic = uniqueName('test.case.events');
    await bus.ensureTopics([{ name: topic, partitions: 1, retentionMs: config.kafka.retentionMs }], config.kafka.maxRetentionMs);
  });
  after(async () => { await bus?.deleteTopics([topic]).catch(() => undefined); await bus?.close(); await t?.close(); });

  async function read(n: number): Promise<Array<{ key: string; event: CaseEventV1; raw: string }>> {
    const got: Array<{ key: string; event: CaseEventV1; raw: string }> = [];
    const c = await bus.consume({ groupId: uniqueName('g'), topics: [topic], fromBeginning: true }, async (r) => {
      const raw = r.value.toString('utf8');
      got.push({ key: r.key ?? '', event: CaseEventV1.parse(JSON.parse(raw)), raw });
    });
    try {
      await eventually(async () => (got.length >= n ? true : undefined), 60_000, `${n} events`);
      await new Promise((r) => setTimeout(r, 1000)); // anything extra would arrive now
    } finally {
      await c.stop();
    }
    return got;
  }

  it('publishes creation, assignment, escalation and closure once each, without personal data; Kafka down: they wait', async () => {
    const secret = `Geheime-${randomBytes(4).toString('hex')}`;
    const r = await t.store.ingest(intakeMessage({ subject: `Vraag van ${secret}`, text: `Tekst ${secret}`, bsn: null, citizen: { name: secret, street: null, houseNumber: null, postcode: null, city: null, email: `${secret}@example.test`, phones: [] } }));
    const desk = t.store.desk;
    let v = (await desk.get(r.caseId))!.version ?? 0;
    v = (await desk.claim(r.caseId, { expectedVersion: v, requestId: 'ev-1' }, agent)).version;
    v = (await desk.escalate(r.caseId, { expectedVersion: v, requestId: 'ev-2' }, agent, `Reden met ${secret}`)).version;
    await desk.close(r.caseId, { expectedVersion: v, requestId: 'ev-3' }, agent, 'answered');

    // Kafka away (a broker port nobody listens on): nothing is lost, the case keeps its flag.
    const downBus = createBus({ brokers: ['127.0.0.1:9'], clientId: uniqueName('down'), logger });
    const down = createCaseEventPublisher({ models: t.store.models, withCase: t.store.withCase, bus: downBus, topic, source: 'urn:nld:logius:kcc-test', logger });
    let failed = false;
    await down.runOnce().catch(() => { failed = true; });
    await downBus.close().catch(() => undefined);
    expect(failed).to.equal(true);
    expect((await t.store.models.Case.findById(r.caseId).lean())!.eventsDue).to.equal(true);

    const up = createCaseEventPublisher({ models: t.store.models, withCase: t.store.withCase, bus, topic, source: 'urn:nld:logius:kcc-test', logger });
    expect(await up.runOnce()).to.equal(4);
    expect(await up.runOnce()).to.equal(0);
    await up.stop();
    const events = await read(4);
    expect(events.map((e) => e.event.type)).to.deep.equal(['nl.logius.kcc.case.created', 'nl.logius.kcc.case.assigned', 'nl.logius.kcc.case.escalated', 'nl.logius.kcc.case.closed']);
    expect(new Set(events.map((e) => e.event.id)).size).to.equal(4);
    expect(events.every((e) => e.key === r.caseNumber && e.event.data.caseNumber === r.caseNumber && e.event.source === 'urn:nld:logius:kcc-test')).to.equal(true);
    expect(events[3]!.event.data).to.include({ status: 'closed', queue: 'second', actorRole: 'first_line' });
    for (const e of events) expect(e.raw).to.not.include(secret);
    expect((await t.store.models.Case.findById(r.caseId).lean())!.eventsDue).to.equal(false);
  });
});
