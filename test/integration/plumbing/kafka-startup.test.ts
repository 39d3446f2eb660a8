/**
 * Creating the idempotent producer, as every start does, logs no warning: kafkajs's
 * 'Limiting retries for the idempotent producer may invalidate EoS guarantees' is about a
 * choice made on purpose (bounded retries; lib/kafka/index.ts EXPECTED_NOTICES, README) and
 * goes to debug. Against the real local Kafka, with the logger at the default level.
 */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { createLogger } from '../../../lib/logger.ts';
import { createBus } from '../../../lib/kafka/index.ts';
import { config } from '../../support/env.ts';

function capture(): { stream: Writable; lines: () => Array<{ level: number; msg: string }> } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { chunks.push(String(chunk)); done(); } });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)) };
}

async function startProducer(level: string): Promise<Array<{ level: number; msg: string }>> {
  const out = capture();
  const bus = createBus({ brokers: config.kafka.brokers, clientId: 'test-startup', logger: createLogger({ level, destination: out.stream }) });
  try {
    const producer = await bus.producer();
    await producer.close();
  } finally {
    await bus.close();
  }
  return out.lines();
}

describe('plumbing: Kafka producer start-up', function () {
  this.timeout(60_000);

  it('logs no warning at the default level (info)', async function () {
    const lines = await startProducer('info');
    expect(lines.filter((l) => l.level >= 40).map((l) => l.msg)).to.deep.equal([]);
  });

  it("keeps kafkajs's notice at debug, where it is known and explained", async function () {
    const lines = await startProducer('debug');
    const notice = lines.filter((l) => /Limiting retries for the idempotent producer/.test(l.msg));
    expect(notice.map((l) => l.level)).to.deep.equal([20]);
  });
});
