import { describe, expect, it } from '@jest/globals';
import { Role } from '../../common/auth/role.js';
import { becomesActivePresident, PresidencyState } from './bank-presidency.service.js';

const BANK_A = '11111111-1111-4111-8111-111111111111';
const BANK_B = '22222222-2222-4222-8222-222222222222';

const state = (
  role: Role,
  bankId: string | null = BANK_A,
  disabledAt: Date | null = null,
): PresidencyState => ({ role, bankId, disabledAt });

describe('becomesActivePresident', () => {
  it('is true for a new president and for a promoted officer', () => {
    expect(becomesActivePresident(null, state(Role.BankPresident))).toBe(true);
    expect(becomesActivePresident(state(Role.BankOfficer), state(Role.BankPresident))).toBe(true);
  });

  it('is true for a president moved to another bank or enabled again', () => {
    expect(
      becomesActivePresident(state(Role.BankPresident, BANK_A), state(Role.BankPresident, BANK_B)),
    ).toBe(true);
    expect(
      becomesActivePresident(
        state(Role.BankPresident, BANK_A, new Date()),
        state(Role.BankPresident, BANK_A),
      ),
    ).toBe(true);
  });

  it('is false for a president who stays one, and for anyone who is not an active president', () => {
    expect(becomesActivePresident(state(Role.BankPresident), state(Role.BankPresident))).toBe(
      false,
    );
    expect(becomesActivePresident(null, state(Role.BankOfficer))).toBe(false);
    expect(becomesActivePresident(null, state(Role.BankPresident, BANK_A, new Date()))).toBe(false);
    expect(becomesActivePresident(state(Role.BankPresident), state(Role.BankOfficer))).toBe(false);
    expect(becomesActivePresident(null, state(Role.Admin, null))).toBe(false);
  });
});
