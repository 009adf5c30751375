import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../../common/auth/caller.js';
import { Role } from '../../common/auth/role.js';
import { inTransaction } from '../../database/transaction.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { toUserResponse } from '../users/users.dto.js';
import { UsersService } from '../users/users.service.js';
import {
  RegisterEnterpriseDto,
  RegistrationResponseDto,
  toEnterpriseResponse,
} from './enterprises.dto.js';
import { EnterprisesService } from './enterprises.service.js';

/**
 * Self-registration: an unverified enterprise and its first `enterprise` user, in one
 * transaction, so a taken credit code or username leaves neither behind.
 */
@Injectable()
export class EnterpriseRegistrationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly enterprises: EnterprisesService,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
  ) {}

  async register(dto: RegisterEnterpriseDto, requestId: string): Promise<RegistrationResponseDto> {
    const { username, displayName, password, ...profile } = dto;
    // Hashed before the transaction: argon2 is slow on purpose and holds no locks.
    const passwordHash = await this.hasher.hash(password);
    // Nobody is signed in yet: the audit rows carry the request id, not a user.
    const actor: Actor = { userId: null, role: null, requestId };
    return inTransaction(this.dataSource, async (manager) => {
      const { enterprise, regionName } = await this.enterprises.insert(manager, actor, profile, {
        action: 'enterprise.registered',
        mayOverrideCreditCode: false,
      });
      const user = await this.users.insert(manager, actor, {
        username,
        displayName,
        passwordHash,
        role: Role.Enterprise,
        enterpriseId: enterprise.id,
        bankId: null,
      });
      return {
        enterprise: toEnterpriseResponse(enterprise, { regionName, showOverrideReason: false }),
        user: toUserResponse(user),
      };
    });
  }
}
