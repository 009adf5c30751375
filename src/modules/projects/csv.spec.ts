import { describe, expect, it } from '@jest/globals';
import { CsvDocument, CsvReader, csvLine, parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('splits plain records on LF, CRLF and a lone CR', () => {
    expect(parseCsv('a,b\nc,d\r\ne,f\rg,h').records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['c', 'd'] },
      { line: 3, fields: ['e', 'f'] },
      { line: 4, fields: ['g', 'h'] },
    ]);
  });

  it('reads quoted fields holding commas, doubled quotes and line breaks', () => {
    const document = parseCsv('name,notes\n"通化, 东昌","他说""好""\n第二行"\nlast,x\n');
    expect(document.errors).toEqual([]);
    expect(document.records).toEqual([
      { line: 1, fields: ['name', 'notes'] },
      { line: 2, fields: ['通化, 东昌', '他说"好"\n第二行'] },
      { line: 4, fields: ['last', 'x'] },
    ]);
  });

  it('counts a CRLF inside quotes as one line', () => {
    const document = parseCsv('a\r\n"x\r\ny"\r\nz\r\n');
    expect(document.records.map((record) => record.line)).toEqual([1, 2, 4]);
    expect(document.records[1].fields).toEqual(['x\r\ny']);
  });

  it('drops a leading byte-order mark', () => {
    expect(parseCsv('\uFEFFcredit_code,x\n1,2').records[0].fields).toEqual(['credit_code', 'x']);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(parseCsv('a,,c,\n').records).toEqual([{ line: 1, fields: ['a', '', 'c', ''] }]);
  });

  it('skips blank lines and lines of only commas, keeping the numbering', () => {
    expect(parseCsv('h\n\n , ,\nv\n\n').records).toEqual([
      { line: 1, fields: ['h'] },
      { line: 4, fields: ['v'] },
    ]);
  });

  it('keeps a quote inside an unquoted field as text', () => {
    expect(parseCsv('5"3,x').records[0].fields).toEqual(['5"3', 'x']);
  });

  it('reports text after a closing quote on the record line and goes on', () => {
    const document = parseCsv('a,b\n"x"y,z\nc,d');
    expect(document.errors).toEqual([
      { line: 2, message: 'a closing quote must be followed by a comma or the end of the line' },
    ]);
    expect(document.records.map((record) => record.line)).toEqual([1, 3]);
  });

  it('reports a quote never closed at the line where the record starts', () => {
    expect(parseCsv('a\nb\n"open\nstill open').errors).toEqual([
      { line: 3, message: 'a quoted field is never closed' },
    ]);
  });

  it('reads nothing from an empty text', () => {
    expect(parseCsv('')).toEqual({ records: [], errors: [] });
    expect(parseCsv('\uFEFF\r\n')).toEqual({ records: [], errors: [] });
  });

  it('reads back what csvLine writes', () => {
    const values = ['plain', 'with, comma', 'with "quotes"', 'two\nlines', ''];
    expect(parseCsv(csvLine(values)).records[0].fields).toEqual(values);
  });
});

describe('CsvReader', () => {
  const inPieces = (text: string, size: number): CsvDocument => {
    const reader = new CsvReader();
    const documents: CsvDocument[] = [];
    for (let start = 0; start < text.length; start += size) {
      documents.push(reader.push(text.slice(start, start + size)));
    }
    documents.push(reader.end());
    return {
      records: documents.flatMap((document) => document.records),
      errors: documents.flatMap((document) => document.errors),
    };
  };

  it('reads text cut anywhere exactly as parseCsv reads it whole', () => {
    const texts = [
      '\uFEFFname,notes\r\n"通化, 东昌","他说""好""\r\n第二行"\r\n\r\nlast,x\rnext,"y"\n',
      'a,b\n"x"y,z\nc,d\r\n5"3,x\n , ,\n"q""",""\r',
      'a\nb\n"open\nstill open',
      '\uFEFF\r\n',
      '',
    ];
    for (const text of texts) {
      const whole = parseCsv(text);
      for (let size = 1; size <= text.length + 1; size += 1) {
        expect(inPieces(text, size)).toEqual(whole);
      }
    }
  });

  it('hands over each record as soon as its line has ended', () => {
    const reader = new CsvReader();
    expect(reader.push('a,b\nc,"d').records).toEqual([{ line: 1, fields: ['a', 'b'] }]);
    expect(reader.push('\ne"\n').records).toEqual([{ line: 2, fields: ['c', 'd\ne'] }]);
    expect(reader.end()).toEqual({ records: [], errors: [] });
  });
});
