import { AuditEventEntity } from '../modules/audit/audit-event.entity.js';
import { RefreshTokenEntity } from '../modules/auth/refresh-token.entity.js';
import { UserEntity } from '../modules/users/user.entity.js';

/** Every TypeORM entity, for the app and the migration CLI alike. */
export const ENTITIES = [UserEntity, RefreshTokenEntity, AuditEventEntity];
