import { AuditEventEntity } from '../modules/audit/audit-event.entity.js';
import { RefreshTokenEntity } from '../modules/auth/refresh-token.entity.js';
import { BankEntity } from '../modules/banks/bank.entity.js';
import { EnterpriseEntity } from '../modules/enterprises/enterprise.entity.js';
import { DeclineReasonEntity } from '../modules/matching/decline-reason.entity.js';
import { FinancingRequestEntity } from '../modules/matching/financing-request.entity.js';
import { MatchAssignmentEntity } from '../modules/matching/match-assignment.entity.js';
import { MatchEntity } from '../modules/matching/match.entity.js';
import { RequestEventEntity } from '../modules/matching/request-event.entity.js';
import { LprRateEntity } from '../modules/products/lpr-rate.entity.js';
import { ProductEntity } from '../modules/products/product.entity.js';
import { ProjectEntity } from '../modules/projects/project.entity.js';
import { RegionEntity } from '../modules/regions/region.entity.js';
import { TurnoverApplicationEntity } from '../modules/turnover-fund/turnover-application.entity.js';
import { TurnoverFundEntity } from '../modules/turnover-fund/turnover-fund.entity.js';
import { UserEntity } from '../modules/users/user.entity.js';
import { CommissionerAssignmentEntity } from '../modules/commissioners/commissioner-assignment.entity.js';
import { CommissionerVisitEntity } from '../modules/commissioners/commissioner-visit.entity.js';
import { MatchmakingEventEntity } from '../modules/events/matchmaking-event.entity.js';
import { EventIntentEntity } from '../modules/events/event-intent.entity.js';

/** Every TypeORM entity, for the app and the migration CLI alike. */
export const ENTITIES = [
  UserEntity,
  RefreshTokenEntity,
  AuditEventEntity,
  RegionEntity,
  EnterpriseEntity,
  BankEntity,
  ProductEntity,
  LprRateEntity,
  ProjectEntity,
  FinancingRequestEntity,
  MatchEntity,
  MatchAssignmentEntity,
  RequestEventEntity,
  DeclineReasonEntity,
  CommissionerAssignmentEntity,
  CommissionerVisitEntity,
  MatchmakingEventEntity,
  EventIntentEntity,
  TurnoverFundEntity,
  TurnoverApplicationEntity,
];
