/**
 * The plumbing, through the real servers started by scripts/services.sh: Kafka (consumer
 * group, offset commit, restart resumes at the committed offset), the MongoDB-wire server
 * (unique index enforced), Dovecot (append, fetch, IDLE) and Postfix → Dovecot (send, read
 * back). No mocks.
 */
import { expect } from 'chai';
import mongoose from 'mongoose';
import nodemailer from 'nodemailer';
import { createBus, type Bus, type IncomingRecord } from '../../../lib/kafka/index.ts';
import { config, logger, uniqueName, connectTestDb, imapAs, eventually } from '../../support/env.ts';

describe('plumbing: real servers', function () {
  this.timeout(90_000);

  describe('Kafka', () => {
    let bus: Bus;
    const topic = uniqueName('test.plumbing');
    before(async () => {
      bus = createBus({ brokers: config.kafka.brokers, clientId: 'test-plumbing', logger });
      await bus.ensureTopics([{ name: topic, partitions: 2, retentionMs: 3_600_000 }], config.kafka.maxRetentionMs);
    });
    after(async () => {
      await bus.deleteTopics([topic]).catch(() => undefined);
      await bus.close();
    });

    it('creates the topic with the retention it was asked for', async () => {
      expect(await bus.describeRetention(topic)).to.equal(3_600_000);
    });

    it('delivers to a consumer group and a restarted group resumes after the committed offset', async () => {
      const groupId = uniqueName('group');
      const producer = await bus.producer();
      await producer.send(topic, [1, 2, 3].map((i) => ({ key: `k${i}`, value: `first-${i}` })));

      const seen1: string[] = [];
      const c1 = await bus.consume({ groupId, topics: [topic] }, async (r: IncomingRecord) => { seen1.push(r.value.toString()); });
      await eventually(async () => (seen1.length >= 3 ? true : undefined), 30_000, 'first batch');
      await c1.stop(); // commits what was handled
      expect([...seen1].sort()).to.deep.equal(['first-1', 'first-2', 'first-3']);

      await producer.send(topic, [4, 5].map((i) => ({ key: `k${i}`, value: `second-${i}` })));
      const seen2: string[] = [];
      const c2 = await bus.consume({ groupId, topics: [topic] }, async (r) => { seen2.push(r.value.toString()); });
      await eventually(async () => (seen2.length >= 2 ? true : undefined), 30_000, 'second batch');
      // Give a wrongly-resumed consumer the chance to re-read the first batch.
      await new Promise((r) => setTimeout(r, 1000));
      await c2.stop();
      await producer.close();
      expect([...seen2].sort()).to.deep.equal(['second-4', 'second-5']);
    });

    it('redelivers a message whose handler failed (no commit before success)', async () => {
      const t2 = uniqueName('test.redeliver');
      await bus.ensureTopics([{ name: t2, partitions: 1, retentionMs: 3_600_000 }], config.kafka.maxRetentionMs);
      const producer = await bus.producer();
      await producer.send(t2, [{ key: 'a', value: 'once' }]);
      let attempts = 0;
      const c = await bus.consume({ groupId: uniqueName('group') , topics: [t2] }, async () => {
        attempts += 1;
        if (attempts === 1) throw Object.assign(new Error('simulated transient failure'), { retriable: true });
      });
      await eventually(async () => (attempts >= 2 ? true : undefined), 30_000, 'redelivery');
      await c.stop();
      await producer.close();
      await bus.deleteTopics([t2]).catch(() => undefined);
      expect(attempts).to.equal(2);
    });
  });

  describe('MongoDB wire protocol (mongoose)', () => {
    let conn: mongoose.Connection;
    before(async () => { conn = await connectTestDb('test_plumbing'); });
    after(async () => { await conn.dropDatabase(); await conn.close(); });

    it('writes, reads back, and enforces a unique index', async () => {
      const Thing = conn.model('Thing', new mongoose.Schema({ key: { type: String, required: true, unique: true }, n: Number }));
      await Thing.init();
      await Thing.create({ key: 'a', n: 1 });
      const back = await Thing.findOne({ key: 'a' }).lean();
      expect(back?.n).to.equal(1);
      let code: unknown;
      try { await Thing.create({ key: 'a', n: 2 }); } catch (err) { code = (err as { code?: unknown }).code; }
      expect(code).to.equal(11000);
      expect(await Thing.countDocuments()).to.equal(1);
    });
  });

  describe('Dovecot IMAP', () => {
    it('appends a message and fetches it back; IDLE notices a new message', async () => {
      const user = `${uniqueName('imap')}@citizens.test`;
      const reader = await imapAs(user);
      const writer = await imapAs(user);
      try {
        const lock = await reader.getMailboxLock('INBOX');
        try {
          let existsEvents = 0;
          reader.on('exists', () => { existsEvents += 1; });
          const idle = reader.idle();
          await writer.append('INBOX', Buffer.from('From: a@citizens.test\r\nTo: b@kcc.test\r\nSubject: plumbing\r\nMessage-ID: <p1@test>\r\n\r\nhello\r\n'));
          await eventually(async () => (existsEvents > 0 ? true : undefined), 15_000, 'IDLE exists notice');
          await reader.noop();
          void idle;
          const msg = await reader.fetchOne('*', { envelope: true, source: true });
          expect(msg && msg.envelope?.subject).to.equal('plumbing');
          expect(msg && msg.source?.toString()).to.contain('hello');
        } finally { lock.release(); }
      } finally {
        await reader.logout();
        await writer.logout();
      }
    });
  });

  describe('Postfix SMTP → Dovecot', () => {
    it('delivers a message sent with nodemailer into the recipient mailbox', async () => {
      const to = `${uniqueName('smtp')}@citizens.test`;
      const transport = nodemailer.createTransport({ host: config.smtp.host, port: config.smtp.port, secure: false, ignoreTLS: true });
      const info = await transport.sendMail({ from: 'intake@kcc.test', to, subject: 'SMTP plumbing', text: 'delivered' });
      transport.close();
      expect(info.accepted).to.deep.equal([to]);
      const client = await imapAs(to);
      try {
        const found = await eventually(async () => {
          const status = await client.status('INBOX', { messages: true });
          return status && status.messages && status.messages > 0 ? status.messages : undefined;
        }, 30_000, 'delivery to Dovecot');
        expect(found).to.equal(1);
        const lock = await client.getMailboxLock('INBOX');
        try {
          const msg = await client.fetchOne('1', { envelope: true, source: true });
          expect(msg && msg.envelope?.subject).to.equal('SMTP plumbing');
          expect(msg && msg.source?.toString()).to.contain('delivered');
        } finally { lock.release(); }
      } finally { await client.logout(); }
    });
  });
});
