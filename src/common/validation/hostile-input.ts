import { Readable } from 'node:stream';

/** Deeper than any DTO nests; class-transformer recurses per level and would overflow the stack. */
export const MAX_INPUT_DEPTH = 32;

/**
 * What is wrong with a parsed body or query, if anything, before the validators see it:
 * nesting deep enough to exhaust the stack, or a NUL character (PostgreSQL text cannot hold
 * one, so it would fail as a 500 at the database).
 */
export const NUL_PROBLEM = 'Text may not contain NUL characters';

export function hostileInputProblem(value: unknown): string | undefined {
  const pending: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (pending.length > 0) {
    const { value: current, depth } = pending.pop() as { value: unknown; depth: number };
    if (typeof current === 'string') {
      if (current.includes('\u0000')) {
        return NUL_PROBLEM;
      }
      continue;
    }
    // A body left unread as a stream (the CSV import) is checked by its reader as it is read.
    if (typeof current !== 'object' || current === null || current instanceof Readable) {
      continue;
    }
    if (depth >= MAX_INPUT_DEPTH) {
      return `The input is nested deeper than ${MAX_INPUT_DEPTH} levels`;
    }
    for (const [key, child] of Object.entries(current)) {
      if (key.includes('\u0000')) {
        return NUL_PROBLEM;
      }
      pending.push({ value: child, depth: depth + 1 });
    }
  }
  return undefined;
}
