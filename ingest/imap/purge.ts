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
 */
import { ImapFlow } from 'imapflow';
import { TransientError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';

export interface ProcessedPurgerOptions {
  imap: { host: string; port: number; secure: boolean; user: string; password: string };
  processedFolder: string;
  /** Messages received longer ago than this are expunged. */
  termMs: number;
  logger: Logger;
  /** Expunged per IMAP command; bounds a command's size after a long pause. */
  batchSize?: number;
  clock?: () => Date;
  /** Called with the number expunged by a run (the deletion log records it). */
  onDeleted?: (count: number) => void;
}

export interface ProcessedPurger {
  /** One pass: expunges everything past the term, returns how many. */
  runOnce(): Promise<number>;
}

const DAY_MS = 86_400_000;

export function createProcessedPurger(o: ProcessedPurgerOptions): ProcessedPurger {
  const log = o.logger.child({ stage: 'imap-purge' });
  const clock = o.clock ?? (() => new Date());
  const batchSize = o.batchSize ?? 500;

  /** Expunges in batches; `done.count` grows after each, so a failing run still reports what went. */
  async function purge(client: ImapFlow, cutoff: Date, done: { count: number }): Promise<void> {
    const exists = (await client.list()).some((m) => m.path === o.processedFolder);
    if (!exists) return; // nothing was ever moved there
    const lock = await client.getMailboxLock(o.processedFolder);
    try {
      // BEFORE is date-only in the server's zone: two days' margin, the exact cut below.
      const near = (await client.search({ before: new Date(cutoff.getTime() + 2 * DAY_MS) }, { uid: true })) || [];
      for (let i = 0; i < near.length; i += batchSize) {
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
    async runOnce() {
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
      const done = { count: 0 };
      try {
        await client.connect();
        await purge(client, cutoff, done);
        return done.count;
      } catch (err) {
        // The server or the connection: the next run tries again.
        throw new TransientError('IMAP_PURGE_FAILED', 'expunging expired mail from the processed folder failed', err);
      } finally {
        if (done.count > 0) log.info({ folder: o.processedFolder, expunged: done.count }, 'processed mail past its term expunged');
        o.onDeleted?.(done.count);
        await client.logout().catch(() => client.close());
      }
    },
  };
}
