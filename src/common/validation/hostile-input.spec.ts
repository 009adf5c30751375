import { describe, expect, it } from '@jest/globals';
import { hostileInputProblem, MAX_INPUT_DEPTH } from './hostile-input.js';

const nested = (levels: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < levels; level += 1) {
    value = { a: value };
  }
  return value;
};

describe('hostileInputProblem', () => {
  it('accepts ordinary bodies, queries and scalars', () => {
    expect(hostileInputProblem({ name: '通化', tags: ['a', 'b'], amount: '1.00' })).toBeUndefined();
    expect(hostileInputProblem(undefined)).toBeUndefined();
    expect(hostileInputProblem('text')).toBeUndefined();
    expect(hostileInputProblem(Array(10000).fill('x'))).toBeUndefined();
    expect(hostileInputProblem(nested(MAX_INPUT_DEPTH))).toBeUndefined();
  });

  it('refuses nesting past the limit, in objects and arrays alike', () => {
    expect(hostileInputProblem(nested(MAX_INPUT_DEPTH + 1))).toMatch(/nested/);
    expect(hostileInputProblem(JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`))).toMatch(
      /nested/,
    );
  });

  it('refuses a NUL character in any value or key', () => {
    expect(hostileInputProblem({ q: 'a\u0000b' })).toMatch(/NUL/);
    expect(hostileInputProblem({ list: [{ deep: '\u0000' }] })).toMatch(/NUL/);
    expect(hostileInputProblem({ 'k\u0000': 1 })).toMatch(/NUL/);
    expect(hostileInputProblem('csv\u0000')).toMatch(/NUL/);
  });
});
