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
 *
 * Why one bad message or a passing outage stops nothing (issue 12: a batch that could not be
 * published was tried 483 times in 4 minutes, its 41 MB message fetched again every time,
 * and every later mail waited behind it):
 *  - a batch is tried a bounded number of times (lib/retry), then its messages one by one;
 *  - a message that fails alone while others get through, `itemTries` rounds running (or at
 *    once for good, a non-retriable error), is dead-lettered with its code and reason and
 *    moved to the refused folder, so the next message is taken;
 *  - when nothing gets through (Kafka or the database away), the ingestor waits with capped
 *    backoff and tries again, and neither fetches a body again nor stores a claim check
 *    twice: what was fetched, and the claim-check reference, are kept between tries.
 */
import { ImapFlow } from 'imapflow';
import type { Bus, OutgoingRecord, Producer } from '../../lib/kafka/index.ts';
import { DeadLetterV1, encode, encodeRawMail, messageIdFromRaw, type RawMailV2, sha256Of, threadKeyFromRaw } from '../../lib/contracts.ts';
import type { ClaimCheckStore } from '../../lib/claimcheck.ts';
import { addDuration, technicalRetentionFor } from '../../config/register.ts';
import type { Logger } from '../../lib/logger.ts';
import { errorCode, isRetriable, PipelineError } from '../../lib/errors.ts';
import { backoffDelay, retry, sleep } from '../../lib/retry.ts';
import type { RefusalInput } from '../../processors/refusals/index.ts';

export interface ImapIngestorOptions {
  imap: { host: string; port: number; secure: boolean; user: string; password: string };
  mailboxes: readonly string[];
  processedFolder: string;
  /** Where a message that cannot be published on its own goes after its dead letter (default `Refused`). */
  refusedFolder?: string;
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
  /** Publish tries and their backoff (defaults: DEFAULT_PUBLISH). */
  publish?: Partial<PublishPolicy>;
  clock?: () => Date;
}

export interface PublishPolicy {
  /** Tries of a whole batch before its messages are tried one by one. */
  batchTries: number;
  /** Rounds in which a message fails alone (while others got through, or for good) before it is refused. */
  itemTries: number;
  /** Backoff between batch tries and while nothing gets through (ms). */
  initialDelayMs: number;
  maxDelayMs: number;
}

/**
 * 3 batch tries: kafkajs already retries each send internally (10 times, up to 10 s apart),
 * so a batch that failed three times is not failing for a blip. 3 rounds before refusing:
 * a message is refused only after it failed alone in three rounds in which the others got
 * through, never for one unlucky moment. The 30 s cap is the reconnect cap: an outage of an
 * hour costs ~130 tries instead of 7,200, and intake resumes at most 30 s after it ends.
 */
export const DEFAULT_PUBLISH: PublishPolicy = { batchTries: 3, itemTries: 3, initialDelayMs: 500, maxDelayMs: 30_000 };

export interface ImapIngestor {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly stats: {
    published: number; claimChecked: number; tooLarge: number; reconnects: number; fetchMs: number; publishMs: number; moveMs: number;
    /** Messages dead-lettered and moved to the refused folder because they could not be published. */
    refused: number;
    /** Sends of raw-mail records tried (a batch or one message each), and message bytes fetched from IMAP. */
    publishTries: number; fetchedBytes: number;
  };
  /** Resolves once every watched mailbox completed its first drain (tests, start-up logs). */
  readonly ready: Promise<void>;
}

const DEFAULT_BATCH = 50;
const DEFAULT_POLL_MS = 30_000;
/**
 * One-by-one round: this many retriable failures in a row, with nothing through yet, is an
 * outage, not this many bad messages; the round stops instead of trying the whole batch
 * against a dependency that is down. With something through already, a longer run is
 * allowed (several large messages whose claim checks fail) before it counts as one.
 */
const OUTAGE_STREAK = 2;
const OUTAGE_STREAK_AFTER_SUCCESS = 4;

/** One message between its fetch and its move: kept across tries, so a body is fetched and stored once. */
interface Pending {
  uid: number;
  sha256: string;
  /** The bytes, until a claim check holds them (then only the record, with its reference). */
  source: Buffer | null;
  record: OutgoingRecord | null;
  claimCheck: string | null;
  /** Rounds in which it failed alone while others got through, or failed for good. */
  strikes: number;
  /** It was in a batch that failed `batchTries` times: from now on it is tried alone. */
  isolated: boolean;
  /** Failed alone before: tried after the others, so two bad ones in a row cannot pass for an outage. */
  failedAlone: boolean;
  /** Refused, its dead letter or move still to do (Kafka or IMAP away). */
  refusing: boolean;
  lastError: unknown;
}

export function createImapIngestor(o: ImapIngestorOptions): ImapIngestor {
  const log = o.logger.child({ stage: 'ingest-imap' });
  const stats = { published: 0, claimChecked: 0, tooLarge: 0, reconnects: 0, fetchMs: 0, publishMs: 0, moveMs: 0, refused: 0, publishTries: 0, fetchedBytes: 0 };
  const policy: PublishPolicy = { ...DEFAULT_PUBLISH, ...o.publish };
  const refusedFolder = o.refusedFolder ?? 'Refused';
  /** Per mailbox: the UIDVALIDITY the pending messages belong to, and the messages by UID. */
  const pendingBy = new Map<string, { validity: string; items: Map<number, Pending> }>();
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

  /** The record for a message, built once: a claim check is stored once however often the send fails. */
  async function prepare(mailbox: string, validity: string, p: Pending): Promise<OutgoingRecord> {
    if (p.record) return p.record;
    const source = p.source!;
    let body: RawMailV2['body'];
    if (source.length > o.claimCheckThresholdBytes) {
      if (!p.claimCheck) {
        const expiresAt = addDuration(clock(), technicalRetentionFor('claim_check_blob'));
        p.claimCheck = await o.claimChecks.put(source, expiresAt);
        stats.claimChecked += 1;
      }
      body = { type: 'claim_check', bucket: o.claimChecks.bucketName, fileId: p.claimCheck };
    } else {
      body = { type: 'inline' };
    }
    const env: RawMailV2 = {
      schemaVersion: 2,
      source: { kind: 'imap', account: o.imap.user, mailbox, uidValidity: validity, uid: p.uid },
      receivedAt: clock().toISOString(),
      messageId: messageIdFromRaw(source),
      sha256: p.sha256,
      size: source.length,
      body,
    };
    // Keyed by conversation (see threadKeyFromRaw); a message without ids by its bytes.
    p.record = { key: threadKeyFromRaw(source) ?? p.sha256, ...encodeRawMail(env, body.type === 'inline' ? source : null) };
    // A claim-checked body is in GridFS now; an inline one is the record's value.
    p.source = null;
    return p.record;
  }

  async function send(mailbox: string, validity: string, items: Pending[]): Promise<void> {
    const records: OutgoingRecord[] = [];
    for (const p of items) records.push(await prepare(mailbox, validity, p));
    stats.publishTries += 1;
    await producer!.send(o.topics.mailRaw, records);
  }

  /**
   * One round: the batch (bounded tries), or, once a batch failed that often or one of its
   * messages is known to fail, its messages one by one. Returns what got through and what is
   * refused; what is neither stays pending for the next round. `probing`: the last round got
   * nothing through, so one retriable failure with nothing through yet ends this one.
   */
  async function publishRound(mailbox: string, validity: string, items: Pending[], probing: boolean): Promise<{ published: Pending[]; refused: Pending[] }> {
    const signal = stopController.signal;
    const refused = items.filter((p) => p.refusing);
    const open = items.filter((p) => !p.refusing);
    if (open.length > 1 && !open.some((p) => p.isolated || p.strikes > 0)) {
      try {
        await retry(() => send(mailbox, validity, open), {
          retries: policy.batchTries, initialDelayMs: policy.initialDelayMs, maxDelayMs: policy.maxDelayMs, signal,
          onRetry: (attempt, err, delayMs) => log.warn({ mailbox, messages: open.length, attempt, delayMs, code: errorCode(err) }, 'publishing the batch failed; trying again'),
        });
        return { published: open, refused };
      } catch (err) {
        if (signal.aborted) return { published: [], refused: [] };
        for (const p of open) p.isolated = true;
        log.warn({ mailbox, messages: open.length, code: errorCode(err) }, 'batch could not be published; publishing its messages one by one');
      }
    }
    // UID order, but what failed alone before goes last: it cannot hide a healthy broker
    // behind failures in a row (see OUTAGE_STREAK).
    const order = [...open].sort((a, b) => Number(a.failedAlone) - Number(b.failedAlone) || a.uid - b.uid);
    const published: Pending[] = [];
    // A retriable failure counts against a message only if the same step worked for another
    // one in this round: a send while others' sends went through (the broker is up), a
    // claim-check store while others' stores went through (the database is up). So a
    // database that refuses every claim check holds the large messages back (they wait)
    // while the small ones, which need no claim check, keep flowing.
    const failed: Array<{ p: Pending; step: 'store' | 'send' }> = [];
    let stored = 0;
    let streak = 0;
    for (const p of order) {
      if (signal.aborted) break;
      let step: 'store' | 'send' = 'store';
      try {
        const hadRecord = p.record !== null;
        const hadClaim = p.claimCheck !== null;
        await prepare(mailbox, validity, p);
        if (!hadRecord && !hadClaim && p.claimCheck !== null) stored += 1;
        step = 'send';
        await send(mailbox, validity, [p]);
        published.push(p);
        streak = 0;
      } catch (err) {
        p.lastError = err;
        p.failedAlone = true;
        if (!isRetriable(err)) {
          // Retrying the same bytes gives the same answer; a few rounds all the same, so
          // that a bug met once does not cost a citizen's message.
          if (++p.strikes >= policy.itemTries) refused.push(p);
          continue;
        }
        failed.push({ p, step });
        streak += 1;
        const limit = published.length > 0 ? OUTAGE_STREAK_AFTER_SUCCESS : probing ? 1 : OUTAGE_STREAK;
        if (streak >= limit) break;
      }
    }
    for (const { p, step } of failed) {
      const worked = step === 'send' ? published.length > 0 : stored > 0;
      if (worked && ++p.strikes >= policy.itemTries) refused.push(p);
    }
    return { published, refused };
  }

  /** Dead letter first, then the move: a crash in between sends the dead letter twice, never none. */
  async function refuse(client: ImapFlow, mailbox: string, validity: string, p: Pending): Promise<void> {
    p.refusing = true;
    const err = p.lastError;
    const why = err instanceof PipelineError ? err.message : 'unexpected error while publishing (see the log by UID)';
    const term = technicalRetentionFor('imap_processed');
    await producer!.send(o.topics.deadLetter, [{
      key: `${mailbox}/${validity}/${p.uid}`,
      value: encode(DeadLetterV1, {
        schemaVersion: 1, sourceTopic: o.topics.mailRaw, partition: -1, offset: '-1', code: errorCode(err),
        reason: `${why}; not published after ${p.strikes} rounds alone (${isRetriable(err) ? 'while other messages were' : 'not retriable'}); `
          + `the message was moved to the IMAP folder "${refusedFolder}", where it is expunged ${term} after it was received (register term imap_processed)`,
        sourceRef: { kind: 'imap', account: o.imap.user, mailbox, uidValidity: validity, uid: p.uid }, sha256: p.sha256, at: clock().toISOString(),
      }),
    }]);
    // Its bytes are in the refused folder; the claim-check copy would only wait out its term.
    if (p.claimCheck) await o.claimChecks.delete(p.claimCheck).catch(() => undefined);
    await client.messageMove(String(p.uid), refusedFolder, { uid: true });
    stats.refused += 1;
    log.warn({ mailbox, uid: p.uid, code: errorCode(err), strikes: p.strikes }, 'message could not be published: dead-lettered and moved to the refused folder');
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
      let box = pendingBy.get(mailbox);
      if (!box || box.validity !== validity) pendingBy.set(mailbox, (box = { validity, items: new Map() }));
      let waits = 0;
      for (;;) {
        if (stopController.signal.aborted) return;
        const uids = ((await client.search({ all: true }, { uid: true })) || []).sort((a, b) => a - b).slice(0, o.batchSize ?? DEFAULT_BATCH);
        // Pending messages no longer in the batch were moved by someone else: forget them.
        for (const uid of box.items.keys()) if (!uids.includes(uid)) box.items.delete(uid);
        if (uids.length === 0) return;
        const tFetch = performance.now();
        const sizes = new Map<number, number>();
        for await (const m of client.fetch(uids.join(','), { uid: true, size: true }, { uid: true })) sizes.set(m.uid, m.size ?? 0);
        const fetchable = uids.filter((u) => (sizes.get(u) ?? 0) <= o.maxMessageBytes);
        // Only what is not pending from an earlier try: a body is fetched once.
        const toFetch = fetchable.filter((u) => !box.items.has(u));
        if (toFetch.length > 0) {
          for await (const m of client.fetch(toFetch.join(','), { uid: true, source: true }, { uid: true })) {
            if (!m.source) continue;
            stats.fetchedBytes += m.source.length;
            box.items.set(m.uid, {
              uid: m.uid, sha256: sha256Of(m.source), source: m.source, record: null, claimCheck: null,
              strikes: 0, isolated: false, failedAlone: false, refusing: false, lastError: null,
            });
          }
        }
        const items = fetchable.map((u) => box.items.get(u)).filter((p): p is Pending => p !== undefined);
        const tPublish = performance.now();
        stats.fetchMs += tPublish - tFetch;
        const { published, refused } = items.length > 0 ? await publishRound(mailbox, validity, items, waits > 0) : { published: [], refused: [] };
        stats.published += published.length;
        const tooLarge = uids.filter((u) => !fetchable.includes(u));
        // Only the header block of a message too large to take (BODY.PEEK[HEADER]): enough to answer it.
        const headers = new Map<number, Buffer>();
        if (tooLarge.length > 0 && o.refusals) {
          for await (const m of client.fetch(tooLarge.join(','), { uid: true, headers: true }, { uid: true })) if (m.headers) headers.set(m.uid, m.headers);
        }
        for (const u of tooLarge) await deadLetterTooLarge(mailbox, validity, u, sizes.get(u) ?? 0, headers.get(u) ?? null);
        // Only now, with Kafka's acknowledgement in hand, does the message leave the inbox.
        const handled = [...published.map((i) => i.uid), ...uids.filter((u) => !fetchable.includes(u))];
        const tMove = performance.now();
        stats.publishMs += tMove - tPublish;
        if (handled.length > 0) await client.messageMove(handled.join(','), o.processedFolder, { uid: true });
        for (const p of published) box.items.delete(p.uid);
        stats.moveMs += performance.now() - tMove;
        let refusedNow = 0;
        for (const p of refused) {
          try {
            await refuse(client, mailbox, validity, p);
            box.items.delete(p.uid);
            refusedNow += 1;
          } catch (err) {
            // Kafka or IMAP away: the message stays pending as refused, and is refused next round.
            log.warn({ mailbox, uid: p.uid, code: errorCode(err) }, 'refusing a message failed; trying again next round');
          }
        }
        if (handled.length + refusedNow > 0) {
          waits = 0;
          log.info({ mailbox, published: published.length, rejected: uids.length - fetchable.length, refused: refusedNow }, 'batch published and moved');
          continue;
        }
        if (stopController.signal.aborted) return;
        // Nothing got through: Kafka or the database is away. Wait, longer each time up to
        // the cap, keeping what was fetched; the next round searches again, so mail that
        // came meanwhile joins the batch (and can show that the dependency is back).
        const delayMs = backoffDelay(++waits, policy);
        const code = errorCode(items.find((p) => p.lastError)?.lastError);
        log.warn({ mailbox, pending: items.length, attempt: waits, delayMs, code }, 'nothing could be published; waiting');
        await sleep(delayMs, stopController.signal);
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
        try { await client.mailboxCreate(refusedFolder); } catch { /* exists already */ }
        await client.mailboxOpen(mailbox);
        log.info({ mailbox }, 'watching mailbox');
        for (;;) {
          pending = false;
          await drain(client, mailbox);
          // Reset only after a drain: a session that connects and then fails every time
          // (before issue 12: every 0.5 s) must back off like one that cannot connect.
          attempt = 0;
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
