// With an extension and nothing from a .tsx module, so the API's own test suite (NodeNext)
// can check these translations against the texts the API sends (test/web/problems.spec.ts).
import type { ProblemDto } from './api/schema.js';

/** The console's languages (i18n's `Language`: a new one fails the callers' type check). */
type Language = 'zh' | 'en';

type Code = ProblemDto['code'];

/**
 * What each of the API's stable problem codes means, in Chinese. Keyed by the generated enum,
 * so a code added to the API fails the type check until it is translated here.
 */
const CODE_MESSAGES: Record<Code, string> = {
  VALIDATION_FAILED: '提交的内容有误',
  UNAUTHENTICATED: '请先登录',
  INVALID_CREDENTIALS: '用户名或密码不正确',
  INVALID_REFRESH_TOKEN: '登录已过期，请重新登录',
  FORBIDDEN: '您的角色无权进行此操作',
  FOUR_EYES_REQUIRED: '须由另一位工作人员办理（双人复核）',
  NOT_FOUND: '找不到该记录，或您无权查看',
  ROUTE_NOT_FOUND: '找不到该功能',
  METHOD_NOT_ALLOWED: '不支持该操作',
  CONFLICT: '与当前数据冲突，请刷新后重试',
  USERNAME_TAKEN: '用户名已被占用',
  CREDIT_CODE_CHECK_FAILED: '统一社会信用代码校验码不符',
  CREDIT_CODE_TAKEN: '统一社会信用代码已被注册',
  INVALID_TRANSITION: '当前状态下不能进行此操作，请刷新后查看',
  ENTERPRISE_NOT_VERIFIED: '企业尚未通过项目中心核验',
  BANK_HAS_NO_PRESIDENT: '该银行尚无在任行长，无法派单',
  ALREADY_DISPATCHED_TO_BANK: '该需求已派给这家银行',
  INSUFFICIENT_FUND_BALANCE: '基金余额不足',
  GUARANTEE_CAPACITY_EXCEEDED: '超出信保基金的担保能力',
  GUARANTEE_ENTERPRISE_CAP_EXCEEDED: '超出单户在保上限',
  CLAIM_EXCEEDS_PRINCIPAL: '代偿金额不能超过担保本金',
  RECOVERY_EXCEEDS_CLAIM: '追偿金额不能超过代偿金额',
  IDEMPOTENCY_KEY_REQUIRED: '缺少防重复提交标识，请重新打开对话框',
  IDEMPOTENCY_KEY_REUSED: '该对话框已提交过不同的内容，请重新打开',
  IDEMPOTENCY_REQUEST_IN_FLIGHT: '上一次提交仍在处理中，请稍候',
  PAYLOAD_TOO_LARGE: '提交的内容过大',
  URI_TOO_LONG: '请求地址过长',
  HEADERS_TOO_LARGE: '请求头过大',
  UNSUPPORTED_MEDIA_TYPE: '不支持的内容格式',
  TOO_MANY_REQUESTS: '操作过于频繁，请稍后再试',
  SERVICE_UNAVAILABLE: '服务暂时不可用，请稍后再试',
  INTERNAL_ERROR: '系统内部错误，请联系管理员并提供请求编号',
  TURNOVER_AMOUNT_OVER_CAP: '超出基金单笔周转上限',
  TURNOVER_AMOUNT_OVER_MATURING_LOAN: '周转金额不能超过到期贷款金额',
  TURNOVER_DAYS_OVER_MAX: '使用天数超过基金上限',
  TURNOVER_MATURITY_PASSED: '到期贷款已过到期日',
  TURNOVER_NOT_WORKING_CAPITAL: '仅流动资金贷款可申请应急周转',
  TURNOVER_OVER_COMMITMENT_CAP: '超出银行续贷承诺可周转的比例',
  TURNOVER_APPLICATION_OPEN: '企业已有一笔在办的周转申请',
  TURNOVER_FUND_SUSPENDED: '基金已暂停受理',
  TURNOVER_NEW_BUSINESS_STOPPED: '基金逾期超过警戒线，已停止新增业务',
};

type Rule = readonly [RegExp, (match: RegExpExecArray) => string];

/**
 * The API's field messages (class-validator's constraint texts and the services' own), each
 * as the pattern it is written with and the Chinese for it. Numbers and dates in them are
 * carried over; a message not listed is shown as the API wrote it.
 */
const FIELD_RULES: readonly Rule[] = [
  [/^is required and may not be blank$/, () => '必填，不能为空白'],
  [/^should not be (empty|null or undefined)$/, () => '必填'],
  [/^must be a UUID$/, () => '请从列表中选择'],
  [/^must be a string$/, () => '须为文字'],
  [/^must be a boolean value$/, () => '须为“是”或“否”'],
  [/^must be an integer number$/, () => '请输入整数'],
  [/^must be an array$/, () => '须为列表'],
  [/^must not be greater than (-?\d+(?:\.\d+)?)$/, (m) => `不能大于 ${m[1]}`],
  [/^must not be less than (-?\d+(?:\.\d+)?)$/, (m) => `不能小于 ${m[1]}`],
  [/^must be shorter than or equal to (\d+) characters$/, (m) => `不能超过 ${m[1]} 个字`],
  [/^must be longer than or equal to (\d+) characters$/, (m) => `至少 ${m[1]} 个字`],
  [/^must contain no more than (\d+) elements$/, (m) => `最多 ${m[1]} 项`],
  [/elements must be unique$/, () => '不能重复'],
  [/^must be one of the following values: (.*)$/, (m) => `须为以下之一：${m[1]}`],
  [/^is not allowed$/, () => '不接受此项'],
  [/^must be an amount in yuan/, () => '请输入金额（元），最多两位小数，如 1500000.00'],
  [/^must be above 0$/, () => '须大于 0'],
  [/^must be a date (written|as) YYYY-MM-DD$/, () => '请输入日期（YYYY-MM-DD）'],
  [
    /^must be an annual rate as a decimal/,
    () => '请输入大于 0、小于 1 的年利率，最多 6 位小数，如 0.0385',
  ],
  [/^must be a non-negative decimal string/, () => '请输入非负小数，最多 10 位小数，如 0.0385'],
  [/^must be a six-digit region code/, () => '须为 6 位行政区划代码，如 220502'],
  [/^must be a phone number/, () => '请输入电话号码（数字、+、-、空格、括号）'],
  [
    /^must be 18 characters of 0-9 and A-Y/,
    () => '须为 18 位，由数字和除 I、O、S、V、Z 外的大写字母组成',
  ],
  [/^fails its check character; give/, () => '校验码不符；如确需登记，请填写登记原因'],
  [/^fails its check character/, () => '校验码不符，请核对代码，或请项目中心代为登记'],
  [/^is already (registered|taken)$/, () => '已被占用'],
  [/^may not be in the future/, () => '不能晚于今天（北京时间）'],
  [/^must not be after today \((.+)\)$/, (m) => `不能晚于今天（${m[1]}）`],
  [/^must be later than from$/, () => '须晚于开始日期'],
  [/^may not be before from$/, () => '不能早于开始日期'],
  [/^may not be before the first day \((.+)\)$/, (m) => `不能早于任期开始日（${m[1]}）`],
  [
    /^may not be before the assignment’s first day \((.+)\)$/,
    (m) => `不能早于任期开始日（${m[1]}）`,
  ],
  [
    /^may not be before the current commissioner’s first day \((.+)\)$/,
    (m) => `不能早于现任专员的任期开始日（${m[1]}）`,
  ],
  [
    /^overlaps an earlier commissioner’s service, which ran until the day before (.+)$/,
    (m) => `与前任专员的任期重叠（前任服务至 ${m[1]} 前一日）`,
  ],
  [/^must be before the end of service \((.+)\)$/, (m) => `须早于服务结束日（${m[1]}）`],
  [/^the term would already be over$/, () => '任期结束日不能早于今天'],
  [/^is required when a need was found$/, () => '发现融资需求时须填写金额'],
  [/^is only for a need found/, () => '仅在发现融资需求时填写'],
  [/^names no active bank officer or president$/, () => '须为在职的客户经理或行长'],
  [/^names no bank taking part in the event$/, () => '该银行未参加本次活动'],
  [/^names no enterprise taking part in the event$/, () => '该企业未参加本次活动'],
  [/^names no project of this enterprise$/, () => '不是该企业的项目'],
  [/^names no (bank|enterprise)$/, () => '找不到所选对象'],
  [/^names unknown/, () => '包含不存在的对象'],
  [/^name at least one bank or enterprise to add$/, () => '请至少选择一家银行或企业'],
  [/^may only name your own bank$/, () => '只能选择本行'],
  [/^its commissioner changed concurrently$/, () => '该企业的专员刚被他人更改，请刷新后重试'],
];

/** A field message of the API in the console's language (the API's text when not known). */
export function fieldMessage(message: string, language: Language): string {
  if (language !== 'zh') {
    return message;
  }
  for (const [pattern, render] of FIELD_RULES) {
    const match = pattern.exec(message);
    if (match !== null) {
      return render(match);
    }
  }
  return message;
}

/**
 * The alert for a problem: its code's meaning as the title; below it the field errors in the
 * console's language when there are any, else the API's detail, since that names the case
 * (which state, which bank). The code stays, for whoever is asked for help.
 */
export function problemText(
  problem: ProblemDto,
  language: Language,
): { title: string; description: string } {
  if (language !== 'zh') {
    return { title: problem.title, description: `${problem.detail} (${problem.code})` };
  }
  const fields = problem.errors ?? [];
  return {
    title: CODE_MESSAGES[problem.code] ?? problem.title,
    description:
      fields.length > 0
        ? `${fields.map((error) => `${error.field}：${fieldMessage(error.message, language)}`).join('；')}（${problem.code}）`
        : `${problem.detail}（${problem.code}）`,
  };
}
