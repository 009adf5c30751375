import { describe, expect, it } from '@jest/globals';
import { shanghaiBusinessDate } from './business-date.js';

describe('shanghaiBusinessDate', () => {
  it('takes the date in Asia/Shanghai, eight hours ahead of UTC', () => {
    expect(shanghaiBusinessDate(new Date('2025-05-31T15:59:59Z'))).toBe('2025-05-31');
    expect(shanghaiBusinessDate(new Date('2025-05-31T16:00:00Z'))).toBe('2025-06-01');
  });

  it('rolls the year over at midnight in Beijing, not in London', () => {
    expect(shanghaiBusinessDate(new Date('2025-12-31T16:00:00Z'))).toBe('2026-01-01');
  });
});
