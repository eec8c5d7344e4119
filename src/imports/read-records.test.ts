import { afterEach, describe, expect, it } from 'vitest';
import { ImportSetupError } from './import-setup-error.js';
import { prepareImport } from './import-testimonials.js';
import { readRecords } from './read-records.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('reading CSV records', () => {
  it('C16: strips a byte order mark so the first header maps and no value starts with U+FEFF', () => {
    const content = Buffer.concat([
      BOM,
      Buffer.from('author_name,rating,text,created_at\nJonas Weiß,5,Super Service!,2024-03-01\n'),
    ]);
    const file = readRecords(content, 'csv');

    expect(file.columns).toEqual(['author_name', 'rating', 'text', 'created_at']);
    expect(file.records).toEqual([
      {
        number: 1,
        values: {
          author_name: 'Jonas Weiß',
          rating: '5',
          text: 'Super Service!',
          created_at: '2024-03-01',
        },
      },
    ]);
  });

  it('C16: strips a byte order mark before a quoted first header too', () => {
    const content = Buffer.concat([BOM, Buffer.from('"author_name","text"\n"Jonas Weiß","Gut"\n')]);
    expect(readRecords(content, 'csv').records).toEqual([
      { number: 1, values: { author_name: 'Jonas Weiß', text: 'Gut' } },
    ]);
  });

  it('C17: keeps CRLF and commas inside quotes, unescapes doubled quotes, counts records', () => {
    const content =
      'author_name,text\n' +
      '"Ana","Line one\r\nline two, with a comma"\n' +
      '"Bo","She said ""wow"""\n';
    const file = readRecords(content, 'csv');

    expect(file.records).toEqual([
      { number: 1, values: { author_name: 'Ana', text: 'Line one\r\nline two, with a comma' } },
      { number: 2, values: { author_name: 'Bo', text: 'She said "wow"' } },
    ]);
  });

  it('C17: a bad record is cited by its record number, not the physical line it starts on', () => {
    // Record 2 starts on physical line 4 because record 1 spans lines 2 and 3.
    const content = 'author_name,text,rating\n"Ana","two\nlines",5\n"Bo","She said ""wow""",9\n';
    const prepared = prepareImport(content, { format: 'csv' });

    expect(prepared.accepted.map((a) => a.record)).toEqual([1]);
    expect(prepared.rejected).toEqual([
      { record: 2, reasons: ['rating must be a whole number from 1 to 5'] },
    ]);
  });

  it('rejects a record whose field count differs from the header, and skips blank lines', () => {
    const file = readRecords('author_name,text\nAna,Hi\n\nBo,Hi,extra\n', 'csv');
    expect(file.records).toEqual([
      { number: 1, values: { author_name: 'Ana', text: 'Hi' } },
      { number: 2, error: 'has 3 fields but the header has 2' },
    ]);
  });

  it('stops on a quote that is never closed, naming the record', () => {
    const read = () => readRecords('author_name,text\nAna,Hi\nBo,"open\n', 'csv');
    expect(read).toThrow(ImportSetupError);
    expect(read).toThrow('the file is not valid CSV at record 2: a quoted field is never closed');
  });

  it('refuses a header that names a column twice', () => {
    expect(() => readRecords('text,text\na,b\n', 'csv')).toThrow(
      'the header names column "text" more than once',
    );
  });
});

describe('reading JSON Lines records', () => {
  it('numbers non-blank lines and collects every key', () => {
    const content =
      '{"text":"a","author_name":"A"}\r\n\n[1]\n{"text":"b","tags":["x"]}\nnot json\n';
    const file = readRecords(content, 'jsonl');

    expect(file.columns).toEqual(['text', 'author_name', 'tags']);
    expect(file.records).toEqual([
      { number: 1, values: { text: 'a', author_name: 'A' } },
      { number: 2, error: 'is not a JSON object' },
      { number: 3, values: { text: 'b', tags: ['x'] } },
      { number: 4, error: 'is not valid JSON' },
    ]);
  });
});

describe('C20: dates do not move', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTz;
  });

  it.each(['America/Los_Angeles', 'Europe/Berlin', 'Pacific/Auckland'])(
    'a date-only value is midnight UTC on that day, and an offset time is stored in UTC (TZ=%s)',
    (tz) => {
      process.env.TZ = tz;
      const content =
        'author_name,text,created_at\n' +
        'A,Date only,2024-03-01\n' +
        'B,With offset,2024-03-01T23:30:00-08:00\n';
      const prepared = prepareImport(content, { format: 'csv' });

      expect(prepared.accepted.map((a) => a.input.created_at)).toEqual([
        '2024-03-01T00:00:00.000Z',
        '2024-03-01T23:30:00-08:00',
      ]);
      expect(new Date(prepared.accepted[1]!.input.created_at!).toISOString()).toBe(
        '2024-03-02T07:30:00.000Z',
      );
    },
  );

  it('rejects dates that are not on the calendar or carry no zone', () => {
    const content =
      'author_name,text,created_at\nA,x,2024-02-30\nB,x,2024-03-01T10:00:00\nC,x,01/03/2024\n';
    const prepared = prepareImport(content, { format: 'csv' });
    const hint =
      'created_at must be an ISO 8601 date (2024-03-01) or date-time (2024-03-01T12:00:00Z)';

    expect(prepared.rejected).toEqual([
      { record: 1, reasons: [hint] },
      { record: 2, reasons: [hint] },
      { record: 3, reasons: [hint] },
    ]);
  });
});
