import { describe, expect, it } from '@jest/globals';
import { plainToInstance } from 'class-transformer';
import { IsOptional, validate } from 'class-validator';

import { IsMoney, isMoney, IsRate, isRate } from './is-money.decorator.js';

class LoanRequestDto {
  @IsMoney()
  amount: string;

  @IsOptional()
  @IsRate()
  annualRate?: string;
}

class BatchDto {
  @IsMoney({ each: true })
  amounts: string[];
}

class CustomMessageDto {
  @IsMoney({ message: 'amount is wrong' })
  amount: string;
}

async function errorsFor(plain: Record<string, unknown>): Promise<Record<string, string>[]> {
  const errors = await validate(plainToInstance(LoanRequestDto, plain));
  return errors.map((error) => error.constraints ?? {});
}

describe('@IsMoney', () => {
  it.each(['0', '0.00', '0.01', '0.1', '1500000.00', '9999999999999.99', '007'])(
    'accepts %j',
    async (amount) => {
      expect(await errorsFor({ amount })).toEqual([]);
    },
  );

  it.each([
    ['a number', 1.5],
    ['an integer number', 1500],
    ['an exponent', '1e3'],
    ['a negative amount', '-1'],
    ['a plus sign', '+1'],
    ['a trailing point', '1.'],
    ['a leading point', '.5'],
    ['a third decimal', '1.234'],
    ['fourteen integer digits', '10000000000000'],
    ['leading whitespace', ' 1'],
    ['trailing whitespace', '1 '],
    ['an empty string', ''],
    ['a full-width digit', '１'],
    ['hexadecimal', '0x10'],
    ['null', null],
    ['an object', {}],
    ['an array', ['1']],
    ['a boolean', true],
  ])('rejects %s', async (_description, amount) => {
    expect(await errorsFor({ amount })).toEqual([
      {
        isMoney:
          'amount must be an amount in yuan as a string with at most two decimals, e.g. "1500000.00"',
      },
    ]);
  });

  it('rejects a missing amount', async () => {
    expect(await errorsFor({})).toHaveLength(1);
  });

  it('checks each member of an array with { each: true }', async () => {
    expect(await validate(plainToInstance(BatchDto, { amounts: ['1.00', '2'] }))).toEqual([]);

    const errors = await validate(plainToInstance(BatchDto, { amounts: ['1.00', 2] }));
    expect(errors).toHaveLength(1);
    expect(errors[0].constraints?.isMoney).toMatch(/^each value in amounts must be an amount/);
  });

  it('uses a message given in the options', async () => {
    const errors = await validate(plainToInstance(CustomMessageDto, { amount: '1.234' }));
    expect(errors[0].constraints).toEqual({ isMoney: 'amount is wrong' });
  });
});

describe('@IsRate', () => {
  it.each(['0', '0.0002', '0.0385', '1', '0.0000000001'])('accepts %j', async (annualRate) => {
    expect(await errorsFor({ amount: '1.00', annualRate })).toEqual([]);
  });

  it('is skipped when absent and optional', async () => {
    expect(await errorsFor({ amount: '1.00' })).toEqual([]);
  });

  it.each([
    ['a number', 0.0385],
    ['an exponent', '2e-4'],
    ['a negative rate', '-0.01'],
    ['eleven decimals', '0.00000000001'],
    ['whitespace', ' 0.1'],
    ['a percentage', '3.85%'],
    ['an empty string', ''],
  ])('rejects %s', async (_description, annualRate) => {
    expect(await errorsFor({ amount: '1.00', annualRate })).toEqual([
      {
        isRate:
          'annualRate must be a non-negative decimal string with at most 10 decimal places, e.g. "0.0385"',
      },
    ]);
  });
});

describe('isMoney and isRate', () => {
  it('agree with the decorators', () => {
    expect(isMoney('1500000.00')).toBe(true);
    expect(isMoney(1500000)).toBe(false);
    expect(isMoney('1.234')).toBe(false);
    expect(isRate('0.0385')).toBe(true);
    expect(isRate(0.0385)).toBe(false);
    expect(isRate('-0.0385')).toBe(false);
  });
});
