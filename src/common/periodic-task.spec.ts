import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { PeriodicTask } from './periodic-task.js';

/** A run that finishes only when the test says so. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('PeriodicTask', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('skips ticks while a run is still going, then runs again', async () => {
    const first = gate();
    let runs = 0;
    const task = new PeriodicTask(
      () => {
        runs += 1;
        return runs === 1 ? first.promise : Promise.resolve();
      },
      () => undefined,
    );
    task.start(100);
    await jest.advanceTimersByTimeAsync(350);
    expect(runs).toBe(1);
    first.open();
    await jest.advanceTimersByTimeAsync(100);
    expect(runs).toBe(2);
    await task.stop();
  });

  it('waits on stop for the run in flight and never ticks again', async () => {
    const slow = gate();
    let runs = 0;
    let finished = false;
    const task = new PeriodicTask(
      async () => {
        runs += 1;
        await slow.promise;
        finished = true;
      },
      () => undefined,
    );
    task.start(100);
    await jest.advanceTimersByTimeAsync(100);
    const stopped = task.stop();
    slow.open();
    await stopped;
    expect(finished).toBe(true);
    await jest.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1);
  });

  it('reports a failed run and tries again on the next tick', async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const task = new PeriodicTask(
      () => {
        runs += 1;
        return runs === 1 ? Promise.reject(new Error('database away')) : Promise.resolve();
      },
      (error) => errors.push(error),
    );
    task.start(100);
    await jest.advanceTimersByTimeAsync(200);
    expect(errors).toHaveLength(1);
    expect(runs).toBe(2);
    await task.stop();
  });
});
