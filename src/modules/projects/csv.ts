/**
 * A small RFC 4180 reader: comma-separated fields, records ended by CRLF, LF or a lone CR, fields
 * optionally enclosed in double quotes, where they may hold commas, line breaks and `""` for a
 * quote. Written here rather than taken from npm because it is short and the import needs exact
 * line numbers for its error report.
 *
 * Lenient where spreadsheets are sloppy and nothing can be misread: a quote inside an unquoted
 * field is kept as text; a leading byte-order mark is dropped; blank records (no characters, or
 * only commas and blanks) are skipped. Strict where data would be lost: text after a closing
 * quote, or a quote left open at the end of the file, is an error.
 */

export interface CsvRecord {
  /** The 1-based line the record starts on (a quoted line break makes a record span lines). */
  line: number;
  fields: string[];
}

export interface CsvSyntaxError {
  line: number;
  message: string;
}

export interface CsvDocument {
  records: CsvRecord[];
  errors: CsvSyntaxError[];
}

const BYTE_ORDER_MARK = '\uFEFF';

export function parseCsv(input: string): CsvDocument {
  const text = input.startsWith(BYTE_ORDER_MARK) ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  const errors: CsvSyntaxError[] = [];
  let line = 1;
  let position = 0;

  while (position < text.length) {
    const recordLine = line;
    const fields: string[] = [];
    let recordBroken = false;
    // One record: fields until an unquoted line break or the end of the text.
    for (;;) {
      let value = '';
      if (text[position] === '"') {
        position += 1;
        let closed = false;
        while (position < text.length) {
          const character = text[position];
          if (character === '"') {
            if (text[position + 1] === '"') {
              value += '"';
              position += 2;
              continue;
            }
            position += 1;
            closed = true;
            break;
          }
          if (character === '\n' || (character === '\r' && text[position + 1] !== '\n')) {
            line += 1;
          }
          value += character;
          position += 1;
        }
        if (!closed) {
          errors.push({ line: recordLine, message: 'a quoted field is never closed' });
          return { records, errors };
        }
        const next = text[position];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          if (!recordBroken) {
            errors.push({
              line: recordLine,
              message: 'a closing quote must be followed by a comma or the end of the line',
            });
          }
          recordBroken = true;
          // Skip to the next separator so the rest of the file is still checked.
          while (
            position < text.length &&
            text[position] !== ',' &&
            text[position] !== '\n' &&
            text[position] !== '\r'
          ) {
            position += 1;
          }
        }
      } else {
        const start = position;
        while (
          position < text.length &&
          text[position] !== ',' &&
          text[position] !== '\n' &&
          text[position] !== '\r'
        ) {
          position += 1;
        }
        value = text.slice(start, position);
      }
      fields.push(value);
      if (text[position] === ',') {
        position += 1;
        continue;
      }
      // A line break or the end of the text ends the record.
      if (text[position] === '\r') {
        position += text[position + 1] === '\n' ? 2 : 1;
        line += 1;
      } else if (text[position] === '\n') {
        position += 1;
        line += 1;
      }
      break;
    }
    if (!recordBroken && !fields.every((field) => field.trim() === '')) {
      records.push({ line: recordLine, fields });
    }
  }
  return { records, errors };
}

/** Quotes a field when it needs it (for tests and exports). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(values: readonly string[]): string {
  return values.map(csvField).join(',');
}
