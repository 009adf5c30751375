import { describe, expect, it } from '@jest/globals';
import {
  CREDIT_CODE_ALPHABET,
  checkCreditCode,
  creditCodeCheckCharacter,
  normaliseCreditCode,
  withCheckCharacter,
} from './credit-code.js';

/** DOMAIN.md §5: codes seen in real registrations. */
const VALID = [
  '91350200776049653A',
  '91350500798359476R',
  '91440101MA5CJQ4N59',
  '913502000728319549',
  '91350213678251743X',
];
/** Seen in real data, yet its check character is wrong. */
const CHECK_FAILED = '91350203M0001QAY9B';

/** A small seeded generator, so a failing body can be reproduced. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

describe('credit code (GB 32100-2015)', () => {
  it.each(VALID)('accepts the published valid code %s', (code) => {
    expect(checkCreditCode(code)).toBe('valid');
    expect(creditCodeCheckCharacter(code.slice(0, 17))).toBe(code[17]);
    expect(withCheckCharacter(code.slice(0, 17))).toBe(code);
  });

  it('refuses the check character of 91350203M0001QAY9B though the shape is right', () => {
    expect(checkCreditCode(CHECK_FAILED)).toBe('check_failed');
    expect(creditCodeCheckCharacter(CHECK_FAILED.slice(0, 17))).not.toBe('B');
  });

  it.each([
    ['17 characters', '91350200776049653'],
    ['19 characters', '91350200776049653A0'],
    ['an empty string', ''],
    ['an inner blank', '913502007760 49653A'],
    ['the letter I', '91350200776049653I'],
    ['the letter O', '9135020077604965O3'],
    ['the letter S', '91350200S76049653A'],
    ['the letter V', '9V350200776049653A'],
    ['the letter Z', '91350200776049Z53A'],
    ['lower case before normalising', '91440101ma5cjq4n59'],
    ['a full-width digit', '９1350200776049653A'],
  ])('calls a code with %s malformed', (_label, code) => {
    expect(checkCreditCode(code)).toBe('malformed');
  });

  it('has no check character for seventeen characters outside the alphabet', () => {
    expect(creditCodeCheckCharacter('9135020077604965I')).toBeUndefined();
    expect(creditCodeCheckCharacter('913502007760496')).toBeUndefined();
    expect(() => withCheckCharacter('9135020077604965')).toThrow(/seventeen/);
  });

  it('normalises case and surrounding blanks, and only those', () => {
    expect(normaliseCreditCode('  91440101ma5cjq4n59\t\n')).toBe('91440101MA5CJQ4N59');
    expect(checkCreditCode(normaliseCreditCode(' 91440101ma5cjq4n59 '))).toBe('valid');
    expect(normaliseCreditCode('913502007760 49653a')).toBe('913502007760 49653A');
    expect(checkCreditCode(normaliseCreditCode('913502007760 49653a'))).toBe('malformed');
  });

  it('passes a completed random body and fails it after any single substitution', () => {
    const random = seededRandom(20_151_001);
    const symbol = (): string => CREDIT_CODE_ALPHABET[Math.floor(random() * 31)];
    let substitutions = 0;
    for (let sample = 0; sample < 300; sample += 1) {
      const body = Array.from({ length: 17 }, symbol).join('');
      const code = withCheckCharacter(body);
      expect(code).toHaveLength(18);
      expect(checkCreditCode(code)).toBe('valid');
      for (let position = 0; position < 18; position += 1) {
        for (const replacement of CREDIT_CODE_ALPHABET) {
          if (replacement === code[position]) {
            continue;
          }
          const altered = `${code.slice(0, position)}${replacement}${code.slice(position + 1)}`;
          if (checkCreditCode(altered) !== 'check_failed') {
            throw new Error(`${altered} (from ${code}) was not caught`);
          }
          substitutions += 1;
        }
      }
    }
    expect(substitutions).toBe(300 * 18 * 30);
  });
});
