import { describe, expect, it } from '@jest/globals';
import { money, yuan, yuanSummary } from '../../web/src/format.js';

describe('console money formatting', () => {
  it('groups thousands and keeps the fen exactly as the API sent them', () => {
    expect(money('1500000.00')).toBe('1,500,000.00');
    expect(money('0.05')).toBe('0.05');
    expect(money('999.5')).toBe('999.50');
    expect(money('-1234567.89')).toBe('-1,234,567.89');
    // Beyond a double's exact integers: no float anywhere.
    expect(money('90071992547409.93')).toBe('90,071,992,547,409.93');
    expect(yuan('1000')).toBe('1,000.00 元');
    expect(yuan(null)).toBe('—');
  });

  it('summarises in 万元 and 亿元, rounding half-up at the second decimal', () => {
    expect(yuanSummary('9999.99')).toBe('9,999.99 元');
    expect(yuanSummary('10000.00')).toBe('1.00 万元');
    expect(yuanSummary('5000000.00')).toBe('500.00 万元');
    expect(yuanSummary('12345.00')).toBe('1.23 万元');
    expect(yuanSummary('12350.00')).toBe('1.24 万元');
    expect(yuanSummary('99999999.99')).toBe('10,000.00 万元');
    expect(yuanSummary('100000000.00')).toBe('1.00 亿元');
    expect(yuanSummary('1234567890.12')).toBe('12.35 亿元');
    expect(yuanSummary('-50000.00')).toBe('-5.00 万元');
  });

  it('gives English readers the full amount in yuan', () => {
    expect(yuanSummary('5000000.00', 'en')).toBe('5,000,000.00 yuan');
  });
});
