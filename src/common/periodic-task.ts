/**
 * A task every instance runs on a timer. A tick that finds the previous run still going skips its
 * turn, so a slow run never piles up behind itself; `stop` waits for the run in flight, so shutdown
 * never cuts a sweep's transaction short. The timer is unref'd: it never keeps the process alive.
 * Failures go to `onError` and the next tick tries again.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running !== undefined) {
        return;
      }
      this.running = this.run()
        .catch(this.onError)
        .finally(() => {
          this.running = undefined;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
