import { setImmediate } from 'node:timers';

interface Waiter<Key, Row> {
  key: Key;
  resolve: (row: Row | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads that arrive in the same turn of the event loop go to the database together: `run` gets
 * every key of the turn and answers one row (or none) per key, in their order. Under load one
 * round trip then serves many requests, and since each read is issued after its request arrived,
 * nothing is served stale (unlike a cache).
 */
export class TurnBatch<Key, Row> {
  private waiting: Waiter<Key, Row>[] = [];

  constructor(private readonly run: (keys: Key[]) => Promise<(Row | undefined)[]>) {}

  read(key: Key): Promise<Row | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ key, resolve, reject });
      if (this.waiting.length === 1) {
        // After the I/O callbacks of this turn, so every request parsed in it joins the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.waiting;
    this.waiting = [];
    // In the promise chain, so that a pool already closed (shutdown) fails these reads, not the
    // process.
    Promise.resolve()
      .then(() => this.run(batch.map(({ key }) => key)))
      .then(
        (rows) => batch.forEach((waiter, index) => waiter.resolve(rows[index])),
        (error: unknown) => batch.forEach((waiter) => waiter.reject(error)),
      );
  }
}
