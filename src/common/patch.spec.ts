import { describe, expect, it } from '@jest/globals';
import { applyPatch } from './patch.js';

interface Thing {
  name: string;
  note: string | null;
  tags: string[];
  count: bigint;
}

const current: Thing = { name: '吉林银行', note: 'a', tags: ['x', 'y'], count: 5n };
const FIELDS = ['name', 'note', 'tags', 'count'] as const;

describe('applyPatch', () => {
  it('replaces the fields the patch carries and names those that changed', () => {
    const { next, changed } = applyPatch(current, { name: '通化银行', note: null }, FIELDS);
    expect(next).toEqual({ name: '通化银行', note: null, tags: ['x', 'y'], count: 5n });
    expect(changed).toEqual(['name', 'note']);
    expect(current.name).toBe('吉林银行');
  });

  it('treats undefined as absent and equal values as no change', () => {
    const { next, changed } = applyPatch(
      current,
      { name: undefined, tags: ['x', 'y'], count: 5n },
      FIELDS,
    );
    expect(next).toEqual(current);
    expect(changed).toEqual([]);
  });

  it('sees a reordered array as a change', () => {
    expect(applyPatch(current, { tags: ['y', 'x'] }, FIELDS).changed).toEqual(['tags']);
  });

  it('ignores fields that are not listed', () => {
    const patch: Partial<Thing> = { name: 'other' };
    const { next, changed } = applyPatch(current, patch, ['note']);
    expect(next.name).toBe('吉林银行');
    expect(changed).toEqual([]);
  });
});
