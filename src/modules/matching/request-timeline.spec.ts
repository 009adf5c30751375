import { describe, expect, it } from '@jest/globals';
import { sequentialUuid } from './request-timeline.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('sequentialUuid', () => {
  it('makes version 7 UUIDs that carry the millisecond', () => {
    const id = sequentialUuid(Date.UTC(2030, 0, 1));
    expect(id).toMatch(UUID_V7);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2030, 0, 1));
  });

  it('keeps ids made in one millisecond in the order they were made', () => {
    const now = Date.UTC(2030, 0, 2);
    const ids = Array.from({ length: 5000 }, () => sequentialUuid(now));
    // PostgreSQL compares uuids byte by byte, which is the order of their hex text.
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never goes backwards when the clock does', () => {
    const later = sequentialUuid(Date.UTC(2030, 0, 3, 12));
    const earlier = sequentialUuid(Date.UTC(2030, 0, 3, 11));
    expect(earlier > later).toBe(true);
  });
});
