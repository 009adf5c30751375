/**
 * Stable machine codes carried in every problem+json answer (`code`). Clients branch on these,
 * so a code, once shipped, keeps its meaning. The HTTP status of each lives in one place:
 * `problem-details.ts`.
 */
export enum ErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  Unauthenticated = 'UNAUTHENTICATED',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  InvalidRefreshToken = 'INVALID_REFRESH_TOKEN',
  Forbidden = 'FORBIDDEN',
  FourEyesRequired = 'FOUR_EYES_REQUIRED',
  NotFound = 'NOT_FOUND',
  RouteNotFound = 'ROUTE_NOT_FOUND',
  MethodNotAllowed = 'METHOD_NOT_ALLOWED',
  Conflict = 'CONFLICT',
  UsernameTaken = 'USERNAME_TAKEN',
  /** A 统一社会信用代码 fails its GB 32100-2015 check character (admins may override). */
  CreditCodeCheckFailed = 'CREDIT_CODE_CHECK_FAILED',
  CreditCodeTaken = 'CREDIT_CODE_TAKEN',
  InvalidTransition = 'INVALID_TRANSITION',
  /** Only verified enterprises' financing requests may be dispatched to a bank. */
  EnterpriseNotVerified = 'ENTERPRISE_NOT_VERIFIED',
  /** 行长制: a match needs the bank's active president as its accountable holder. */
  BankHasNoPresident = 'BANK_HAS_NO_PRESIDENT',
  /** The request already has an open match with this bank. */
  AlreadyDispatchedToBank = 'ALREADY_DISPATCHED_TO_BANK',
  InsufficientFundBalance = 'INSUFFICIENT_FUND_BALANCE',
  /** 信保基金: approved and active principal may not pass capital × the fund's multiple. */
  GuaranteeCapacityExceeded = 'GUARANTEE_CAPACITY_EXCEEDED',
  /** 信保基金: one enterprise's approved and active principal may not pass the fund's cap. */
  GuaranteeEnterpriseCapExceeded = 'GUARANTEE_ENTERPRISE_CAP_EXCEEDED',
  /** 代偿: a claim is at most the guaranteed principal. */
  ClaimExceedsPrincipal = 'CLAIM_EXCEEDS_PRINCIPAL',
  /** 追偿: a recovery is at most the amount claimed. */
  RecoveryExceedsClaim = 'RECOVERY_EXCEEDS_CLAIM',
  IdempotencyKeyRequired = 'IDEMPOTENCY_KEY_REQUIRED',
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  IdempotencyRequestInFlight = 'IDEMPOTENCY_REQUEST_IN_FLIGHT',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  TooManyRequests = 'TOO_MANY_REQUESTS',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL_ERROR',
}
