import { describe, expect, it } from '@jest/globals';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TurnBatch } from './turn-batch.js';

describe('TurnBatch', () => {
  it('sends the reads of one turn together and answers each its own row', async () => {
    const runs: string[][] = [];
    const batch = new TurnBatch<string, string>((keys) => {
      runs.push(keys);
      return Promise.resolve(
        keys.map((key) => (key === 'missing' ? undefined : key.toUpperCase())),
      );
    });
    const answers = await Promise.all([batch.read('a'), batch.read('missing'), batch.read('b')]);
    expect(answers).toEqual(['A', undefined, 'B']);
    expect(runs).toEqual([['a', 'missing', 'b']]);
  });

  it('starts a new batch for reads of a later turn', async () => {
    const runs: number[][] = [];
    const batch = new TurnBatch<number, number>((keys) => {
      runs.push(keys);
      return Promise.resolve(keys);
    });
    const first = batch.read(1);
    await nextTurn();
    await expect(Promise.all([first, batch.read(2)])).resolves.toEqual([1, 2]);
    expect(runs).toEqual([[1], [2]]);
  });

  it('fails every read of the batch when the run fails, thrown or rejected', async () => {
    const thrown = new TurnBatch<number, number>(() => {
      throw new Error('pool closed');
    });
    const rejected = new TurnBatch<number, number>(() => Promise.reject(new Error('lost')));
    await expect(Promise.all([thrown.read(1), thrown.read(2)])).rejects.toThrow('pool closed');
    await expect(rejected.read(1)).rejects.toThrow('lost');
  });
});
