import { Transform } from 'class-transformer';
import { buildMessage, ValidateBy, type ValidationOptions } from 'class-validator';
import { applyDecorators } from '@nestjs/common';
import { checkCreditCode, normaliseCreditCode } from './credit-code.js';

export const CREDIT_CODE_FORMAT_MESSAGE =
  'must be 18 characters of 0-9 and A-Y without I, O, S, V, Z (统一社会信用代码)';

/**
 * A 统一社会信用代码 of the right shape, normalised first (upper case, surrounding blanks
 * removed). The check character is judged by the service, because an administrator may
 * override a failing one with a reason.
 */
export function IsCreditCode(validationOptions?: ValidationOptions): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? normaliseCreditCode(value) : value,
    ),
    ValidateBy(
      {
        name: 'isCreditCode',
        validator: {
          validate: (value: unknown): boolean =>
            typeof value === 'string' && checkCreditCode(value) !== 'malformed',
          defaultMessage: buildMessage(
            (eachPrefix) => `${eachPrefix}$property ${CREDIT_CODE_FORMAT_MESSAGE}`,
            validationOptions,
          ),
        },
      },
      validationOptions,
    ),
  );
}
