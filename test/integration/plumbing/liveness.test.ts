/**
 * Consumer liveness against the real broker (lib/kafka): the session is short (6 s) so that a
 * restart after kill -9 gets its partitions back in seconds, and one record of the OCR stages
 * takes longer than that. A handler that runs well past the session must not cost the member
 * its membership: the record is handled once and its offset committed, not handed out again.
 */
import { expect } from 'chai';
import { createBus, type Bus } from '../../../lib/kafka/index.ts';
import { config, logger, uniqueName, eventually } from '../../support/env.ts';

describe('Kafka consumer liveness: a record that takes longer than the session', function () {
  this.timeout(90_000);
  let bus: Bus;
  const topic = uniqueName('test.liveness');
  before(async () => {
    bus = createBus({ brokers: config.kafka.brokers, clientId: 'test-liveness', logger });
    await bus.ensureTopics([{ name: topic, partitions: 1, retentionMs: 3_600_000 }], config.kafka.maxRetentionMs);
  });
  after(async () => {
    await bus.deleteTopics([topic]).catch(() => undefined);
    await bus.close();
  });

  for (const mode of ['consume', 'consumeBatches'] as const) {
    it(`${mode}: a 14 s handler keeps its membership and its record is handled once`, async () => {
      const producer = await bus.producer();
      const key = uniqueName(mode);
      await producer.send(topic, [{ key, value: 'slow' }]);
      let calls = 0;
      let done = 0;
      // 14 s: the measured 4-page attachment check (bench/heartbeat.ts), over twice the session.
      const slow = async () => { calls += 1; await new Promise((r) => setTimeout(r, 14_000)); done += 1; };
      const groupId = uniqueName('group');
      const handle = mode === 'consume'
        ? await bus.consume({ groupId, topics: [topic] }, async (r) => { if (r.key === key) await slow(); })
        : await bus.consumeBatches({ groupId, topics: [topic], maxBatch: 10 }, async (rs) => { if (rs.some((r) => r.key === key)) await slow(); });
      try {
        await eventually(async () => (done >= 1 ? true : undefined), 40_000, 'the slow record handled');
        // A member dropped meanwhile could not commit: the record would come back within seconds.
        await new Promise((r) => setTimeout(r, 8_000));
        expect(calls, 'times the slow record was handed to the handler').to.equal(1);
      } finally {
        await handle.stop();
        await producer.close();
      }
    });
  }
});
