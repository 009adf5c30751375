/*
 * CSV exports (RFC 4180) that spreadsheet software opens correctly: UTF-8 with a byte-order mark
 * (so Chinese headers are read as UTF-8), CRLF line ends, formula-looking text defused.
 */

const BYTE_ORDER_MARK = '\uFEFF';

/**
 * Does the client ask for CSV? Yes when `text/csv` is acceptable (q > 0) and at least as
 * welcome as JSON (`application/json`, `application/*` or `*\/*`). No Accept header: JSON.
 */
export function prefersCsv(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') {
    return false;
  }
  let csv = 0;
  let json = 0;
  for (const range of accept.toLowerCase().split(',')) {
    const [type = '', ...parameters] = range.split(';').map((part) => part.trim());
    const q = parameters.find((parameter) => parameter.startsWith('q='));
    // A quality value is a header parameter between 0 and 1, not money.
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (!Number.isFinite(quality)) {
      continue;
    }
    if (type === 'text/csv') {
      csv = Math.max(csv, quality);
    } else if (type === 'application/json' || type === 'application/*' || type === '*/*') {
      json = Math.max(json, quality);
    }
  }
  return csv > 0 && csv >= json;
}

/**
 * One CSV field (RFC 4180). Text that a spreadsheet would run as a formula (a bank name typed
 * as "=…") is prefixed with an apostrophe, so opening the export cannot execute anything.
 */
export function csvField(value: string | number | null, isText = false): string {
  if (value === null) {
    return '';
  }
  let text = String(value);
  if (isText && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The lines (already joined fields) as one CSV document. */
export function csvDocument(lines: readonly string[]): string {
  return `${BYTE_ORDER_MARK}${lines.join('\r\n')}\r\n`;
}
