/**
 * 统一社会信用代码 (unified social credit code, GB 32100-2015): 18 characters — registration
 * authority, organisation kind, six-digit region, nine-character organisation code, and a check
 * character over the first seventeen.
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

/** Upper case, surrounding blanks removed: the form codes are stored and compared in. */
export function normaliseCreditCode(raw: string): string {
  return raw.trim().toUpperCase();
}

/** The check character the first seventeen characters call for, or undefined if malformed. */
export function creditCodeCheckCharacter(first17: string): string | undefined {
  if (first17.length !== 17) {
    return undefined;
  }
  let sum = 0;
  for (let index = 0; index < 17; index += 1) {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17[index] ?? '');
    if (value < 0) {
      return undefined;
    }
    sum += value * (WEIGHTS[index] ?? 0);
  }
  return CREDIT_CODE_ALPHABET[(31 - (sum % 31)) % 31];
}

export type CreditCodeVerdict = 'valid' | 'malformed' | 'check_failed';

/** Judges an already normalised code. */
export function checkCreditCode(code: string): CreditCodeVerdict {
  if (!SHAPE.test(code)) {
    return 'malformed';
  }
  return creditCodeCheckCharacter(code.slice(0, 17)) === code[17] ? 'valid' : 'check_failed';
}

/** Completes seventeen characters with their check character (demo data and tests). */
export function withCheckCharacter(first17: string): string {
  const check = creditCodeCheckCharacter(first17);
  if (check === undefined) {
    throw new Error(`not seventeen credit-code characters: ${first17}`);
  }
  return `${first17}${check}`;
}
