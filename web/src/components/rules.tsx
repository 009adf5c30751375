import type { FormInstance } from 'antd';
import type { Rule } from 'antd/es/form';
import { yuan } from '../format';
import type { MessageKey } from '../i18n';

/** Money as the API takes it (IsMoney): yuan, at most two decimals, no sign or exponent. */
export const MONEY = /^\d{1,13}(\.\d{1,2})?$/;
/** An annual rate as the API takes it: above 0, below 1, at most six decimals. */
export const RATE = /^0\.(?=\d*[1-9])\d{1,6}$/;

type Translate = (key: MessageKey) => string;

/** Fen of a string MONEY accepted, so amounts are compared without floats. */
export function fenOf(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
}

/** Millionths of a string RATE accepted. */
function millionthsOf(rate: string): bigint {
  const [whole, fraction = ''] = rate.split('.');
  return BigInt(whole) * 1_000_000n + BigInt((fraction + '000000').slice(0, 6));
}

/**
 * A money field as the API checks it: a yuan string, above zero, and (when given) at most
 * `ceiling` — each refusal in the console's language.
 */
export function moneyRules(
  t: Translate,
  ceiling?: { amount: string | null | undefined; message: MessageKey },
): Rule[] {
  return [
    { required: true, message: t('gRequired') },
    { pattern: MONEY, message: t('badMoney') },
    {
      validator: (_, value: string | undefined) => {
        if (value === undefined || !MONEY.test(value)) {
          return Promise.resolve();
        }
        if (fenOf(value) === 0n) {
          return Promise.reject(new Error(t('gAboveZero')));
        }
        if (ceiling?.amount && fenOf(value) > fenOf(ceiling.amount)) {
          return Promise.reject(new Error(`${t(ceiling.message)}（${yuan(ceiling.amount)}）`));
        }
        return Promise.resolve();
      },
    },
  ];
}

/**
 * The upper end of a range is not below its lower end (`lower` names the other field); a
 * refusal the API would also give, said first and in the console's language.
 */
export function notBelow(
  t: Translate,
  form: FormInstance,
  lower: (string | number)[],
  kind: 'money' | 'rate' | 'number',
): Rule {
  const valid = (value: unknown): boolean =>
    kind === 'money'
      ? typeof value === 'string' && MONEY.test(value)
      : kind === 'rate'
        ? typeof value === 'string' && RATE.test(value)
        : typeof value === 'number' && Number.isInteger(value);
  const size = (value: string | number): bigint =>
    kind === 'money'
      ? fenOf(value as string)
      : kind === 'rate'
        ? millionthsOf(value as string)
        : BigInt(value);
  return {
    validator: (_, value: string | number | undefined) => {
      const floor: unknown = form.getFieldValue(lower);
      if (!valid(value) || !valid(floor)) {
        return Promise.resolve();
      }
      return size(value as string | number) < size(floor as string | number)
        ? Promise.reject(new Error(t('pBelowMinimum')))
        : Promise.resolve();
    },
  };
}
