import { describe, expect, it } from '@jest/globals';
import { MONEY_FORMAT_MESSAGE } from '../../src/common/money/money.js';
import { RATE_FORMAT_MESSAGE } from '../../src/common/money/rate.js';
import { CREDIT_CODE_FORMAT_MESSAGE } from '../../src/modules/enterprises/credit-code.decorator.js';
import { ANNUAL_RATE_MESSAGE } from '../../src/modules/products/products.dto.js';
import { fieldMessage, problemText } from '../../web/src/problems.js';

/** The console's Chinese for the API's field messages follows the texts the API really sends. */
describe('the console’s Chinese for API problems', () => {
  it('translates the shared format messages, keeping nothing English', () => {
    for (const message of [
      MONEY_FORMAT_MESSAGE,
      RATE_FORMAT_MESSAGE,
      CREDIT_CODE_FORMAT_MESSAGE,
      ANNUAL_RATE_MESSAGE,
    ]) {
      expect(fieldMessage(message, 'zh')).not.toMatch(/[a-z]{3}/);
    }
  });

  it('carries the figures of class-validator’s constraints over', () => {
    expect(fieldMessage('must not be greater than 600', 'zh')).toBe('不能大于 600');
    expect(fieldMessage('must be shorter than or equal to 200 characters', 'zh')).toBe(
      '不能超过 200 个字',
    );
    expect(fieldMessage('may not be before the assignment’s first day (2026-03-01)', 'zh')).toBe(
      '不能早于任期开始日（2026-03-01）',
    );
  });

  it('falls back to the API’s text, and leaves English alone', () => {
    expect(fieldMessage('must not be less than minAnnualRate', 'zh')).toBe(
      'must not be less than minAnnualRate',
    );
    expect(fieldMessage('must be above 0', 'en')).toBe('must be above 0');
  });

  it('titles an alert by its code and lists field errors in Chinese', () => {
    const problem = {
      type: 'urn:problem:yinqi:validation-failed',
      title: 'Bad Request',
      status: 400,
      detail: 'Invalid input: amount',
      code: 'VALIDATION_FAILED' as const,
      correlationId: 'c',
      errors: [{ field: 'amount', message: 'must be above 0' }],
    };
    expect(problemText(problem, 'zh')).toEqual({
      title: '提交的内容有误',
      description: 'amount：须大于 0（VALIDATION_FAILED）',
    });
    expect(
      problemText(
        {
          ...problem,
          code: 'CREDIT_CODE_CHECK_FAILED',
          detail: 'The credit code fails its GB 32100-2015 check character',
          errors: [
            {
              field: 'creditCode',
              message:
                'fails its check character; check the code, or ask the project center to register it',
            },
          ],
        },
        'zh',
      ),
    ).toEqual({
      title: '统一社会信用代码校验码不符',
      description:
        'creditCode：校验码不符，请核对代码，或请项目中心代为登记（CREDIT_CODE_CHECK_FAILED）',
    });
    expect(problemText(problem, 'en')).toEqual({
      title: 'Bad Request',
      description: 'Invalid input: amount (VALIDATION_FAILED)',
    });
  });
});
