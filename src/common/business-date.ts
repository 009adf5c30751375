const SHANGHAI_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The business date (YYYY-MM-DD, Asia/Shanghai) of an instant: the city works on Beijing time. */
export function shanghaiBusinessDate(instant: Date = new Date()): string {
  const parts = Object.fromEntries(
    SHANGHAI_DATE.formatToParts(instant).map((part) => [part.type, part.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}
