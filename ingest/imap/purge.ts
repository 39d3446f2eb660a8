/**
 * The processed folder's retention. The ingestor moves every message it published to the
 * processed folder and never deletes (the mailbox is its queue); left alone, that folder
 * would keep every raw e-mail, ID copies and BSNs included, for ever: a second, unbounded
 * store beside the cases. Here the `retention` role expunges what is older than the
 * register's technical term `imap_processed` (the same three days as Kafka: the folder is a
 * replay copy for as long as a message can still be on its way, not an archive).
 *
 * Age is the message's INTERNALDATE (when the server received it; kept by MOVE). A message
 * that waited in the inbox through a long outage can therefore go from the processed folder
 * soon after it was moved; it is on the raw-mail topic by then, for that topic's own term.
 * IMAP's BEFORE compares dates without time or zone, so it only narrows the search; the
 * exact cut is made on each message's INTERNALDATE.
 *
 * The refused folder (messages the ingestor could not publish, dead-lettered and moved
 * aside) is purged the same way and with the same term: it is the same raw mail, kept as a
 * replay copy, and its dead letter lives on Kafka for those same three days.
 */
import { ImapFlow } from 'imapflow';
import { PipelineError, TransientError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';

export interface ProcessedPurgerOptions {
  imap: { host: string; port: number; secure: boolean; user: string; password: string };
  processedFolder: string;
  /** More folders purged with the same term (the ingestor's refused folder). */
  alsoFolders?: readonly string[];
  /** Messages received longer ago than this are expunged. */
  termMs: number;
  logger: Logger;
  /** Expunged per IMAP command; bounds a command's size after a long pause. */
  batchSize?: number;
  clock?: () => Date;
  /** Called with the number expunged by a run (the deletion log records it). */
  onDeleted?: (count: number) => void;
  /** How long stop() lets the batch in progress finish before closing the connection (ms, default 5,000). */
  stopGraceMs?: number;
}

export interface ProcessedPurger {
  /** One pass: expunges everything past the term, returns how many. */
  runOnce(): Promise<number>;
  /**
   * Ends a running pass after the batch in progress (what was expunged is reported exactly)
   * and refuses new ones. A batch that hangs longer than `stopGraceMs` has its connection
   * closed: the server may then have expunged that batch without our knowing, so the count
   * can fall short by at most one batch.
   */
  stop(): void;
}

const DAY_MS = 86_400_000;

export function createProcessedPurger(o: ProcessedPurgerOptions): ProcessedPurger {
  const log = o.logger.child({ stage: 'imap-purge' });
  const clock = o.clock ?? (() => new Date());
  const batchSize = o.batchSize ?? 500;

  let stopped = false;
  let current: ImapFlow | null = null;

  /** Expunges in batches; `done.count` grows after each, so a failing run still reports what went. */
  async function purge(client: ImapFlow, cutoff: Date, done: { count: number }): Promise<void> {
    // Without UIDPLUS, EXPUNGE would also remove whatever else is flagged \Deleted there.
    if (!client.capabilities.has('UIDPLUS')) throw new PipelineError('IMAP_NO_UIDPLUS', 'the IMAP server lacks UIDPLUS (RFC 4315): expunging only expired mail is not possible', { retriable: false });
    const listed = await client.list();
    for (const folder of [o.processedFolder, ...(o.alsoFolders ?? [])]) {
      if (stopped) return;
      await purgeFolder(client, folder, listed.map((m) => m.path), cutoff, done);
    }
  }

  async function purgeFolder(client: ImapFlow, folder: string, listed: readonly string[], cutoff: Date, done: { count: number }): Promise<void> {
    // As the ingestor's MOVE names it (imapflow puts the personal namespace's prefix in
    // front, "INBOX.Processed" on some servers); LIST reports full paths.
    const prefix = client.namespace?.prefix ?? '';
    const path = prefix && !folder.startsWith(prefix) && folder.toUpperCase() !== 'INBOX' ? prefix + folder : folder;
    if (!listed.includes(path)) return; // nothing was ever moved there
    const lock = await client.getMailboxLock(path);
    try {
      // BEFORE is date-only in the server's zone: two days' margin, the exact cut below.
      const near = await client.search({ before: new Date(cutoff.getTime() + 2 * DAY_MS) }, { uid: true });
      // imapflow reports a refused SEARCH as `false`: not the same as "nothing found".
      if (!Array.isArray(near)) throw new Error('the server refused SEARCH BEFORE');
      for (let i = 0; i < near.length && !stopped; i += batchSize) {
        const uids = near.slice(i, i + batchSize);
        const due: number[] = [];
        for await (const m of client.fetch(uids.join(','), { uid: true, internalDate: true }, { uid: true })) {
          const received = m.internalDate instanceof Date ? m.internalDate : m.internalDate ? new Date(m.internalDate) : null;
          if (received && received.getTime() <= cutoff.getTime()) due.push(m.uid);
        }
        if (due.length === 0) continue;
        // STORE \Deleted then UID EXPUNGE of exactly these UIDs (UIDPLUS): a message flagged
        // \Deleted by someone else in the folder is not expunged with them.
        // imapflow reports a refused STORE or EXPUNGE as `false`, not as an error.
        if (!(await client.messageDelete(due.join(','), { uid: true }))) throw new Error('the server refused STORE \\Deleted or UID EXPUNGE');
        done.count += due.length;
      }
    } finally {
      lock.release();
    }
  }

  return {
    stop() {
      stopped = true;
      const client = current;
      if (client) setTimeout(() => { if (current === client) client.close(); }, o.stopGraceMs ?? 5_000).unref();
    },
    async runOnce() {
      if (stopped) return 0;
      const cutoff = new Date(clock().getTime() - o.termMs);
      const client = new ImapFlow({
        host: o.imap.host, port: o.imap.port, secure: o.imap.secure,
        auth: { user: o.imap.user, pass: o.imap.password },
        logger: false, // imapflow's logger would print envelopes and addresses
        connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000,
      });
      // A dropped connection is reported through the command that fails; without a listener
      // the 'error' event would take the process down.
      client.on('error', () => undefined);
      current = client;
      const done = { count: 0 };
      try {
        await client.connect();
        await purge(client, cutoff, done);
        return done.count;
      } catch (err) {
        if (err instanceof PipelineError) throw err;
        // The server or the connection: the next run tries again.
        throw new TransientError('IMAP_PURGE_FAILED', 'expunging expired mail from the processed folder failed', err);
      } finally {
        current = null;
        if (done.count > 0) log.info({ folders: [o.processedFolder, ...(o.alsoFolders ?? [])], expunged: done.count }, 'processed mail past its term expunged');
        o.onDeleted?.(done.count);
        await client.logout().catch(() => client.close());
      }
    },
  };
}
