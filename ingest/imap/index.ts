/**
 * IMAP ingestor: watches mailboxes (IDLE, with a polling fallback), publishes every message
 * in UID order to the raw-mail topic, and only after Kafka acknowledged the batch moves it
 * to the processed folder. It never deletes.
 *
 * Why nothing is lost or doubled:
 *  - the mailbox itself is the queue: what is still in it has not been acknowledged by
 *    Kafka, so after a crash, restart, reconnect or UIDVALIDITY change everything still in it
 *    is published again;
 *  - a message published but not yet moved (crash in between) is published twice; the
 *    processors recognise it by its dedupe key (Message-ID + SHA-256 of the bytes).
 * UIDVALIDITY is remembered per mailbox so a change is noticed and logged; nothing depends on
 * it for correctness, which is the point.
 */
import { ImapFlow } from 'imapflow';
import type { Bus, OutgoingRecord, Producer } from '../../lib/kafka/index.ts';
import { DeadLetterV1, encode, encodeRawMail, messageIdFromRaw, type RawMailV2, sha256Of, threadKeyFromRaw } from '../../lib/contracts.ts';
import type { ClaimCheckStore } from '../../lib/claimcheck.ts';
import { addDuration, technicalRetentionFor } from '../../config/register.ts';
import type { Logger } from '../../lib/logger.ts';
import { sleep } from '../../lib/retry.ts';
import type { RefusalInput } from '../../processors/refusals/index.ts';

export interface ImapIngestorOptions {
  imap: { host: string; port: number; secure: boolean; user: string; password: string };
  mailboxes: readonly string[];
  processedFolder: string;
  bus: Bus;
  claimChecks: ClaimCheckStore;
  topics: { mailRaw: string; deadLetter: string };
  claimCheckThresholdBytes: number;
  /** KCC_MAX_MESSAGE_BYTES: larger messages are refused by their SIZE, before their bytes are read. */
  maxMessageBytes: number;
  /** Records a refused message so its sender gets one reply (processors/refusals). */
  refusals?: { refuse(input: RefusalInput): Promise<unknown> };
  logger: Logger;
  /** Messages per fetch/publish/move round; bounds memory (batch × message size). */
  batchSize?: number;
  /** Polling period when IDLE is missing or silent (ms). */
  pollIntervalMs?: number;
  /** Reconnect backoff bounds (ms). */
  reconnect?: { initialMs: number; maxMs: number };
  clock?: () => Date;
}

export interface ImapIngestor {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly stats: { published: number; claimChecked: number; tooLarge: number; reconnects: number; fetchMs: number; publishMs: number; moveMs: number };
  /** Resolves once every watched mailbox completed its first drain (tests, start-up logs). */
  readonly ready: Promise<void>;
}

const DEFAULT_BATCH = 50;
const DEFAULT_POLL_MS = 30_000;

export function createImapIngestor(o: ImapIngestorOptions): ImapIngestor {
  const log = o.logger.child({ stage: 'ingest-imap' });
  const stats = { published: 0, claimChecked: 0, tooLarge: 0, reconnects: 0, fetchMs: 0, publishMs: 0, moveMs: 0 };
  const clock = o.clock ?? (() => new Date());
  const uidValidity = new Map<string, string>();
  const stopController = new AbortController();
  const loops: Promise<void>[] = [];
  const clients = new Set<ImapFlow>();
  const wakers = new Set<() => void>();
  let producer: Producer | null = null;
  let readyResolve!: () => void;
  const ready = new Promise<void>((r) => { readyResolve = r; });
  let readyCount = 0;

  async function publishBatch(mailbox: string, validity: string, items: Array<{ uid: number; source: Buffer }>): Promise<void> {
    const records: OutgoingRecord[] = [];
    for (const item of items) {
      const sha256 = sha256Of(item.source);
      let body: RawMailV2['body'];
      if (item.source.length > o.claimCheckThresholdBytes) {
        const expiresAt = addDuration(clock(), technicalRetentionFor('claim_check_blob'));
        body = { type: 'claim_check', bucket: o.claimChecks.bucketName, fileId: await o.claimChecks.put(item.source, expiresAt) };
        stats.claimChecked += 1;
      } else {
        body = { type: 'inline' };
      }
      const env: RawMailV2 = {
        schemaVersion: 2,
        source: { kind: 'imap', account: o.imap.user, mailbox, uidValidity: validity, uid: item.uid },
        receivedAt: clock().toISOString(),
        messageId: messageIdFromRaw(item.source),
        sha256,
        size: item.source.length,
        body,
      };
      // Keyed by conversation (see threadKeyFromRaw); a message without ids by its bytes.
      records.push({ key: threadKeyFromRaw(item.source) ?? sha256, ...encodeRawMail(env, body.type === 'inline' ? item.source : null) });
    }
    await producer!.send(o.topics.mailRaw, records);
    stats.published += records.length;
  }

  async function deadLetterTooLarge(mailbox: string, validity: string, uid: number, size: number, header: Buffer | null): Promise<void> {
    // The sender is told (one reply, from the header block alone: From, Return-Path,
    // Message-ID, Subject, Auto-Submitted, List-*), before the move that commits this.
    if (o.refusals && header) {
      await o.refusals.refuse({
        key: `imap:${o.imap.user}/${mailbox}/${validity}/${uid}`, code: 'INGEST_TOO_LARGE', limit: o.maxMessageBytes, size, header, receivedAt: clock(),
      });
    }
    // The bytes stay in the processed folder; the dead-letter record says where and why.
    await producer!.send(o.topics.deadLetter, [{
      key: `${mailbox}/${validity}/${uid}`,
      value: encode(DeadLetterV1, {
        schemaVersion: 1, sourceTopic: o.topics.mailRaw, partition: -1, offset: '-1', code: 'INGEST_TOO_LARGE',
        reason: `message of ${size} bytes exceeds the limit of ${o.maxMessageBytes} bytes`,
        sourceRef: { kind: 'imap', account: o.imap.user, mailbox, uidValidity: validity, uid }, sha256: null, at: clock().toISOString(), size,
      }),
    }]);
    stats.tooLarge += 1;
  }

  /** Publish and move everything in the mailbox, oldest UID first, in bounded batches. */
  async function drain(client: ImapFlow, mailbox: string): Promise<void> {
    const lock = await client.getMailboxLock(mailbox);
    try {
      const mb = client.mailbox;
      if (!mb || typeof mb === 'boolean') return;
      const validity = String(mb.uidValidity);
      const known = uidValidity.get(mailbox);
      if (known && known !== validity) {
        log.warn({ mailbox, was: known, now: validity }, 'UIDVALIDITY changed: everything still in the mailbox is published again (downstream dedupe)');
      }
      uidValidity.set(mailbox, validity);
      for (;;) {
        if (stopController.signal.aborted) return;
        const uids = ((await client.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b).slice(0, o.batchSize ?? DEFAULT_BATCH);
        if (uids.length === 0) return;
        const tFetch = performance.now();
        const sizes = new Map<number, number>();
        for await (const m of client.fetch(uids.join(','), { uid: true, size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
        const fetchable = uids.filter((u) => (sizes.get(u) ?? 0) <= o.maxMessageBytes);
        const items: Array<{ uid: number; source: Buffer }> = [];
        if (fetchable.length > 0) {
          for await (const m of client.fetch(fetchable.join(','), { uid: true, source: true }, { uid: true })) {
            if (m.source) items.push({ uid: m.uid, source: m.source });
          }
        }
        items.sort((a, b) => a.uid - b.uid);
        const tPublish = performance.now();
        stats.fetchMs += tPublish - tFetch;
        if (items.length > 0) await publishBatch(mailbox, validity, items);
        const tooLarge = uids.filter((u) => !fetchable.includes(u));
        // Only the header block of a message too large to take (BODY.PEEK[HEADER]): enough to answer it.
        const headers = new Map<number, Buffer>();
        if (tooLarge.length > 0 && o.refusals) {
          for await (const m of client.fetch(tooLarge.join(','), { uid: true, headers: true }, { uid: true })) if (m.headers) headers.set(m.uid, m.headers);
        }
        for (const u of tooLarge) await deadLetterTooLarge(mailbox, validity, u, sizes.get(u) ?? 0, headers.get(u) ?? null);
        // Only now, with Kafka's acknowledgement in hand, does the message leave the inbox.
        const handled = [...items.map((i) => i.uid), ...uids.filter((u) => !fetchable.includes(u))];
        const tMove = performance.now();
        stats.publishMs += tMove - tPublish;
        if (handled.length > 0) await client.messageMove(handled.join(','), o.processedFolder, { uid: true });
        stats.moveMs += performance.now() - tMove;
        log.info({ mailbox, published: items.length, rejected: uids.length - fetchable.length }, 'batch published and moved');
      }
    } finally {
      lock.release();
    }
  }

  async function watch(mailbox: string): Promise<void> {
    const backoff = o.reconnect ?? { initialMs: 500, maxMs: 30_000 };
    let attempt = 0;
    let firstDrainDone = false;
    while (!stopController.signal.aborted) {
      const client = new ImapFlow({
        host: o.imap.host, port: o.imap.port, secure: o.imap.secure,
        auth: { user: o.imap.user, pass: o.imap.password },
        logger: false, // imapflow's logger would print envelopes and addresses
        // Servers without IDLE: poll with NOOP instead.
        missingIdleCommand: 'NOOP',
        connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 5 * 60_000,
      });
      clients.add(client);
      let wake: (() => void) | null = null;
      let pending = false;
      // A closed connection ends the current wait (and any later one at once).
      let isClosed = false;
      client.once('close', () => { isClosed = true; wake?.(); });
      client.on('error', (err: Error) => log.warn({ code: (err as { code?: string }).code ?? err.name }, 'IMAP connection error'));
      client.on('exists', () => { pending = true; wake?.(); });
      try {
        await client.connect();
        try { await client.mailboxCreate(o.processedFolder); } catch { /* exists already */ }
        await client.mailboxOpen(mailbox);
        attempt = 0;
        log.info({ mailbox }, 'watching mailbox');
        for (;;) {
          pending = false;
          await drain(client, mailbox);
          if (!firstDrainDone) { firstDrainDone = true; if (++readyCount === o.mailboxes.length) readyResolve(); }
          if (stopController.signal.aborted) break;
          if (!pending) {
            // IDLE now (imapflow would only start it by itself after a quiet period), and
            // sleep until the server announces new mail, the poll timer fires, the
            // connection closes, or we are stopped. The next command ends the IDLE.
            void client.idle().catch(() => undefined);
            // One timer per wait, cleared however the wait ends (nothing piles up on the
            // long-lived stop signal or connection); stop() and a closed connection wake it too.
            let mine: (() => void) | null = null;
            await new Promise<void>((resolve) => {
              const timer = setTimeout(() => { wake = null; resolve(); }, o.pollIntervalMs ?? DEFAULT_POLL_MS);
              mine = () => { clearTimeout(timer); wake = null; resolve(); };
              wake = mine;
              wakers.add(mine);
              if (isClosed) mine();
            });
            if (mine) wakers.delete(mine);
          }
          if (!client.usable || stopController.signal.aborted) break;
        }
      } catch (err) {
        if (!stopController.signal.aborted) log.warn({ mailbox, code: (err as { code?: string }).code ?? (err as Error).name }, 'IMAP session failed');
      } finally {
        clients.delete(client);
        if (client.usable) await client.logout().catch(() => undefined);
        else client.close();
      }
      if (stopController.signal.aborted) break;
      // Publishing may have failed too (Kafka away): same backoff, the mailbox keeps the mail.
      attempt += 1;
      stats.reconnects += 1;
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 1, 10));
      log.info({ mailbox, attempt, delayMs: delay }, 'reconnecting');
      await sleep(delay / 2 + Math.random() * (delay / 2), stopController.signal);
    }
  }

  return {
    stats,
    ready,
    async start() {
      producer = await o.bus.producer();
      for (const mailbox of o.mailboxes) loops.push(watch(mailbox));
    },
    async stop() {
      stopController.abort();
      for (const w of wakers) w();
      for (const c of clients) c.close();
      await Promise.allSettled(loops);
      await producer?.close();
      producer = null;
    },
  };
}
