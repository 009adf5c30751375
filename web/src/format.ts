/**
 * Money arrives as a decimal string in yuan ("1500000.00"); it is formatted with string and
 * BigInt arithmetic only, never a float, so what is shown is exactly what the API said.
 */
const TIME_ZONE = 'Asia/Shanghai';

function toFen(amount: string): bigint {
  const negative = amount.trim().startsWith('-');
  const [whole, fraction = ''] = amount.trim().replace(/^[-+]/, '').split('.');
  const fen = BigInt(whole || '0') * 100n + BigInt((fraction + '00').slice(0, 2));
  return negative ? -fen : fen;
}

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1,500,000.00" (the unit is added by the caller's label or by `yuan`). */
export function money(amount: string | null | undefined): string {
  if (amount === null || amount === undefined || amount === '') {
    return '—';
  }
  const fen = toFen(amount);
  const sign = fen < 0n ? '-' : '';
  const absolute = fen < 0n ? -fen : fen;
  return `${sign}${group((absolute / 100n).toString())}.${(absolute % 100n).toString().padStart(2, '0')}`;
}

export function yuan(amount: string | null | undefined): string {
  return amount === null || amount === undefined ? '—' : `${money(amount)} 元`;
}

/** Rounds fen / divisor half-up to two decimals. */
function scaled(fen: bigint, divisor: bigint): string {
  const negative = fen < 0n;
  const absolute = negative ? -fen : fen;
  const hundredths = (absolute * 100n + divisor / 2n) / divisor;
  const text = `${group((hundredths / 100n).toString())}.${(hundredths % 100n).toString().padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

/**
 * For summaries: in Chinese 亿元 from 1 亿 and 万元 from 1 万 (two decimals, half-up), otherwise
 * 元; English readers get the full amount in yuan, since 万 has no English unit.
 */
export function yuanSummary(
  amount: string | null | undefined,
  language: 'zh' | 'en' = 'zh',
): string {
  if (amount === null || amount === undefined) {
    return '—';
  }
  if (language === 'en') {
    return `${money(amount)} yuan`;
  }
  const fen = toFen(amount);
  const absolute = fen < 0n ? -fen : fen;
  if (absolute >= 10_000_000_000n) {
    return `${scaled(fen, 10_000_000_000n)} 亿元`;
  }
  if (absolute >= 1_000_000n) {
    return `${scaled(fen, 1_000_000n)} 万元`;
  }
  return `${money(amount)} 元`;
}

const dateTimeFormat = new Intl.DateTimeFormat('zh-CN', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
});

/** An instant, shown in Beijing time whatever the browser's zone. */
export function dateTime(instant: string | null | undefined): string {
  return instant === null || instant === undefined ? '—' : dateTimeFormat.format(new Date(instant));
}

/** Today's business date in Asia/Shanghai (YYYY-MM-DD). */
export function shanghaiToday(offsetDays = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(
    new Date(Date.now() + offsetDays * 86_400_000),
  );
}
