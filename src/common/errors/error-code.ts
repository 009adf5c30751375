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
  /** A path segment longer than the router takes (no id is that long). */
  UriTooLong = 'URI_TOO_LONG',
  /** The request's header block is larger than the server reads. */
  HeadersTooLarge = 'HEADERS_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  TooManyRequests = 'TOO_MANY_REQUESTS',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL_ERROR',
  /** 应急周转: the amount exceeds the fund's per-use cap. */
  TurnoverAmountOverCap = 'TURNOVER_AMOUNT_OVER_CAP',
  /** 应急周转: the amount exceeds the maturing loan it is to repay. */
  TurnoverAmountOverMaturingLoan = 'TURNOVER_AMOUNT_OVER_MATURING_LOAN',
  /** 应急周转: more days than the fund's maximum. */
  TurnoverDaysOverMax = 'TURNOVER_DAYS_OVER_MAX',
  /** 应急周转: the maturing loan's maturity date is already past (Asia/Shanghai). */
  TurnoverMaturityPassed = 'TURNOVER_MATURITY_PASSED',
  /** 应急周转: only working-capital loans are bridged. */
  TurnoverNotWorkingCapital = 'TURNOVER_NOT_WORKING_CAPITAL',
  /** 应急周转: the amount exceeds the cap ratio × the bank's committed renewal. */
  TurnoverOverCommitmentCap = 'TURNOVER_OVER_COMMITMENT_CAP',
  /** 应急周转: the enterprise already has an open application. */
  TurnoverApplicationOpen = 'TURNOVER_APPLICATION_OPEN',
  /** 应急周转: the fund is suspended. */
  TurnoverFundSuspended = 'TURNOVER_FUND_SUSPENDED',
  /** 应急周转: overdue principal exceeds the fund's threshold share of capital. */
  TurnoverNewBusinessStopped = 'TURNOVER_NEW_BUSINESS_STOPPED',
}
