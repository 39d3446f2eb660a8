import { sleep } from './retry.ts';

/**
 * A background loop for an outbox sender: runs `round` until stopped, waits `intervalMs`
 * between rounds or until kicked (new work was stored), and never dies of a failed round
 * (`onError` logs it; the next round tries again). Used by the outgoing-mail stage and the
 * case-events publisher.
 */
export interface PollLoop {
  start(): void;
  /** Wakes the loop now. */
  kick(): void;
  /** Ends the loop after the round in progress. */
  stop(): Promise<void>;
  readonly stopped: boolean;
}

export function createPollLoop(o: { round: () => Promise<unknown>; intervalMs: number; onError: (err: unknown) => void }): PollLoop {
  let stopped = false;
  let wake: (() => void) | null = null;
  let loop: Promise<void> | null = null;
  return {
    get stopped() { return stopped; },
    start() {
      loop ??= (async () => {
        while (!stopped) {
          try {
            await o.round();
          } catch (err) {
            o.onError(err);
          }
          if (stopped) break;
          await Promise.race([new Promise<void>((r) => { wake = r; }), sleep(o.intervalMs)]);
          wake = null;
        }
      })();
    },
    kick() { wake?.(); },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
    },
  };
}
