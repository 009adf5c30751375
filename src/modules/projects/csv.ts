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

/** What one pass over buffered text read: the records that ended in it, and where they ended. */
interface Pass extends CsvDocument {
  /** Characters of the text that held whole records; the rest waits for more input. */
  consumed: number;
  /** The line the first unread character is on. */
  line: number;
  /** A quote was left open at the end of the input: nothing after it can be read. */
  stopped: boolean;
}

/**
 * Reads the whole records of `text`, numbering lines from `firstLine`. Unless `final`, a record
 * that reaches the end of `text` (or whose last character is a CR that may yet be followed by a
 * LF, or a quote that may yet be doubled) is left unread, with its errors, for the next pass.
 */
function readRecords(text: string, firstLine: number, final: boolean): Pass {
  const records: CsvRecord[] = [];
  const errors: CsvSyntaxError[] = [];
  let line = firstLine;
  let position = 0;
  const incomplete = (recordStart: number, recordLine: number): Pass => ({
    records,
    errors,
    consumed: recordStart,
    line: recordLine,
    stopped: false,
  });

  while (position < text.length) {
    const recordStart = position;
    const recordLine = line;
    const fields: string[] = [];
    let recordError: CsvSyntaxError | undefined;
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
            if (!final && position + 1 >= text.length) {
              return incomplete(recordStart, recordLine);
            }
            position += 1;
            closed = true;
            break;
          }
          if (character === '\n' || (character === '\r' && text[position + 1] !== '\n')) {
            if (!final && position + 1 >= text.length) {
              return incomplete(recordStart, recordLine);
            }
            line += 1;
          }
          value += character;
          position += 1;
        }
        if (!closed) {
          if (!final) {
            return incomplete(recordStart, recordLine);
          }
          errors.push({ line: recordLine, message: 'a quoted field is never closed' });
          return { records, errors, consumed: text.length, line, stopped: true };
        }
        const next = text[position];
        if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
          recordError ??= {
            line: recordLine,
            message: 'a closing quote must be followed by a comma or the end of the line',
          };
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
      if (
        !final &&
        (position >= text.length || (position + 1 >= text.length && text[position] === '\r'))
      ) {
        return incomplete(recordStart, recordLine);
      }
      if (text[position] === '\r') {
        position += text[position + 1] === '\n' ? 2 : 1;
        line += 1;
      } else if (text[position] === '\n') {
        position += 1;
        line += 1;
      }
      break;
    }
    if (recordError !== undefined) {
      errors.push(recordError);
    } else if (!fields.every((field) => field.trim() === '')) {
      records.push({ line: recordLine, fields });
    }
  }
  return { records, errors, consumed: position, line, stopped: false };
}

export function parseCsv(input: string): CsvDocument {
  const reader = new CsvReader();
  const first = reader.push(input);
  const last = reader.end();
  return {
    records: [...first.records, ...last.records],
    errors: [...first.errors, ...last.errors],
  };
}

/**
 * {@link parseCsv} over text that arrives in pieces (a request body read as a stream): each
 * `push` returns the records completed so far, `end` the rest. Only the record being received
 * is buffered. A record that does not end in a new piece is read again with the next one, but
 * only once the buffer has doubled, so a giant field costs linear time, not quadratic.
 */
export class CsvReader {
  private pending = '';
  private line = 1;
  private started = false;
  private stopped = false;
  /** The buffered length at which reading the unfinished record is worth trying again. */
  private retryAt = 0;

  push(text: string): CsvDocument {
    return this.read(text, false);
  }

  end(): CsvDocument {
    return this.read('', true);
  }

  private read(text: string, final: boolean): CsvDocument {
    if (this.stopped) {
      return { records: [], errors: [] };
    }
    this.pending += text;
    if (!this.started) {
      if (this.pending.length === 0 || (!final && BYTE_ORDER_MARK.startsWith(this.pending))) {
        return { records: [], errors: [] };
      }
      this.started = true;
      if (this.pending.startsWith(BYTE_ORDER_MARK)) {
        this.pending = this.pending.slice(1);
      }
    }
    if (!final && this.pending.length < this.retryAt) {
      return { records: [], errors: [] };
    }
    const pass = readRecords(this.pending, this.line, final);
    this.pending = this.pending.slice(pass.consumed);
    this.line = pass.line;
    this.stopped = pass.stopped;
    this.retryAt = this.pending.length * 2;
    return { records: pass.records, errors: pass.errors };
  }
}

/** Quotes a field when it needs it (for tests and exports). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(values: readonly string[]): string {
  return values.map(csvField).join(',');
}
