import { describe, expect, it } from '@jest/globals';
import { ErrorCode } from '../errors/error-code.js';
import { DomainError } from '../errors/domain-error.js';
import { mayRead, requireAccess } from './access.js';
import { Caller } from './caller.js';
import { Role } from './role.js';

const ENTERPRISE_A = '11111111-1111-4111-8111-111111111111';
const ENTERPRISE_B = '22222222-2222-4222-8222-222222222222';
const BANK_A = '33333333-3333-4333-8333-333333333333';
const BANK_B = '44444444-4444-4444-8444-444444444444';

function caller(role: Role, tenant: { enterpriseId?: string; bankId?: string } = {}): Caller {
  return {
    userId: '55555555-5555-4555-8555-555555555555',
    username: role,
    role,
    enterpriseId: tenant.enterpriseId ?? null,
    bankId: tenant.bankId ?? null,
    requestId: 'test',
  };
}

describe('access rules', () => {
  const request = { enterpriseId: ENTERPRISE_A, bankIds: [BANK_A] };

  it('lets administrators and auditors read every tenant', () => {
    expect(mayRead(caller(Role.Admin), request)).toBe(true);
    expect(mayRead(caller(Role.Auditor), { enterpriseId: ENTERPRISE_B })).toBe(true);
  });

  it('lets an enterprise read only its own objects', () => {
    expect(mayRead(caller(Role.Enterprise, { enterpriseId: ENTERPRISE_A }), request)).toBe(true);
    expect(mayRead(caller(Role.Enterprise, { enterpriseId: ENTERPRISE_B }), request)).toBe(false);
  });

  it('lets bank staff read only what their bank has a stake in', () => {
    expect(mayRead(caller(Role.BankOfficer, { bankId: BANK_A }), request)).toBe(true);
    expect(mayRead(caller(Role.BankPresident, { bankId: BANK_B }), request)).toBe(false);
    expect(
      mayRead(caller(Role.BankOfficer, { bankId: BANK_A }), { enterpriseId: ENTERPRISE_A }),
    ).toBe(false);
  });

  it('never matches a caller without a tenant to an object without one', () => {
    expect(mayRead(caller(Role.Enterprise), { enterpriseId: null })).toBe(false);
    expect(mayRead(caller(Role.BankOfficer), { bankIds: [null] })).toBe(false);
  });

  it('answers "not yours" and "absent" with the same NOT_FOUND', () => {
    const stranger = caller(Role.Enterprise, { enterpriseId: ENTERPRISE_B });
    const notYours = captured(() => requireAccess(stranger, request, 'financing request'));
    const absent = captured(() => requireAccess(stranger, undefined, 'financing request'));
    expect(notYours).toEqual(absent);
    expect(notYours).toMatchObject({ code: ErrorCode.NotFound });
    expect(() => requireAccess(caller(Role.Admin), request, 'financing request')).not.toThrow();
  });
});

function captured(action: () => void): { code: ErrorCode; message: string } | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) {
      return { code: error.code, message: error.message };
    }
    throw error;
  }
  return undefined;
}
