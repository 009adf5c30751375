import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';

import { MONEY_FORMAT_MESSAGE, MONEY_PATTERN } from './money.js';
import { RATE_FORMAT_MESSAGE, RATE_PATTERN } from './rate.js';

export const IS_MONEY = 'isMoney';
export const IS_RATE = 'isRate';

export function isMoney(value: unknown): value is string {
  return typeof value === 'string' && MONEY_PATTERN.test(value);
}

export function isRate(value: unknown): value is string {
  return typeof value === 'string' && RATE_PATTERN.test(value);
}

/**
 * A yuan amount as a string matching `MONEY_PATTERN`. JSON numbers are refused, so the global
 * `ValidationPipe` must not use `enableImplicitConversion`, which would turn `1.5` into `"1.5"`
 * before this check runs. Convert with `parseYuan` in the service.
 */
export function IsMoney(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: IS_MONEY,
      validator: {
        validate: (value: unknown): boolean => isMoney(value),
        defaultMessage: buildMessage(
          (eachPrefix) => `${eachPrefix}$property ${MONEY_FORMAT_MESSAGE}`,
          validationOptions,
        ),
      },
    },
    validationOptions,
  );
}

/** A rate as a string matching `RATE_PATTERN`; convert with `parseRate` in the service. */
export function IsRate(validationOptions?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: IS_RATE,
      validator: {
        validate: (value: unknown): boolean => isRate(value),
        defaultMessage: buildMessage(
          (eachPrefix) => `${eachPrefix}$property ${RATE_FORMAT_MESSAGE}`,
          validationOptions,
        ),
      },
    },
    validationOptions,
  );
}
