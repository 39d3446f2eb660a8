/**
 * A wait that cannot hang: every promise from a tesseract.js worker is raced against a
 * timer, because a worker that was terminated (or whose thread died) never settles the
 * promises it was given.
 */
export class WaitTimeout extends Error {
  constructor(readonly what: string) {
    super(`${what} did not finish in time`);
    this.name = 'WaitTimeout';
  }
}

export function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new WaitTimeout(what)), Math.max(0, ms));
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** tesseract.js rejects with strings (the error's toString()); turn whatever came back into an Error. */
export function asError(err: unknown): Error {
  if (err instanceof Error) return err;
  return new Error(typeof err === 'string' ? err : 'non-error rejection');
}
