import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testDialects, type TestContext } from '../../test/support/harness.js';
import { ImportSetupError } from './import-setup-error.js';
import { importTestimonials } from './import-testimonials.js';

const dialects = await testDialects();

describe.each(dialects)('importing testimonials (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A fresh workspace per test, so counts and versions belong to that test alone. */
  async function workspace() {
    return (await t.createWorkspace()).workspaceId;
  }

  async function stored(workspaceId: string) {
    return t.services.db.kysely
      .selectFrom('testimonials')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async function contentVersion(workspaceId: string) {
    const row = await t.services.db.kysely
      .selectFrom('workspaces')
      .select('content_version')
      .where('id', '=', workspaceId)
      .executeTakeFirstOrThrow();
    return Number(row.content_version);
  }

  it('C16: a CSV with a byte order mark imports with the name intact and the date unmoved', async () => {
    const workspaceId = await workspace();
    const content = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('author_name,rating,text,created_at\nJonas Weiß,5,Super Service!,2024-03-01\n'),
    ]);
    const result = await importTestimonials(t.services, content, { format: 'csv', workspaceId });

    expect(result).toEqual({ imported: 1, rejected: [] });
    const [row] = await stored(workspaceId);
    expect(row).toMatchObject({
      author_name: 'Jonas Weiß',
      rating: 5,
      text: 'Super Service!',
      created_at: '2024-03-01T00:00:00.000Z',
      status: 'pending',
      source: 'import',
      form_id: null,
    });
    const values = Object.values(row!).filter((v): v is string => typeof v === 'string');
    expect(values.some((v) => v.startsWith('\uFEFF'))).toBe(false);
  });

  it('C17: quoted line breaks, commas and quotes survive; errors cite record numbers', async () => {
    const workspaceId = await workspace();
    const content =
      'author_name,text,rating\n' +
      '"Ana","First line\r\nsecond, with a comma",5\n' +
      '"Bo","She said ""wow""",9\n' +
      '"Cy","She said ""wow""",4\n';
    const result = await importTestimonials(t.services, content, { format: 'csv', workspaceId });

    expect(result).toEqual({
      imported: 2,
      rejected: [{ record: 2, reasons: ['rating must be a whole number from 1 to 5'] }],
    });
    const texts = (await stored(workspaceId)).map((r) => [r.author_name, r.text]).sort();
    expect(texts).toEqual([
      ['Ana', 'First line\r\nsecond, with a comma'],
      ['Cy', 'She said "wow"'],
    ]);
  });

  it('C20: stores a date-only value as that calendar day and an offset time in UTC', async () => {
    const workspaceId = await workspace();
    const content =
      'author_name,text,created_at\nA,Date only,2024-03-01\nB,Offset,2024-03-01T23:30:00-08:00\n';
    await importTestimonials(t.services, content, { format: 'csv', workspaceId });

    expect((await stored(workspaceId)).map((r) => r.created_at)).toEqual([
      '2024-03-01T00:00:00.000Z',
      '2024-03-02T07:30:00.000Z',
    ]);
  });

  it('maps, ignores, sets the default status and the form, with tags from a CSV cell', async () => {
    const workspaceId = await workspace();
    const form = await t.services.db.kysely
      .selectFrom('forms')
      .select('id')
      .where('workspace_id', '=', t.workspaceId)
      .executeTakeFirstOrThrow();
    const content =
      'id,name,body,stars,tags,status\n' +
      '1,Ana,Great,5,"vip, billing",\n' +
      '2,Bo,Fine,3,,rejected\n';
    const result = await importTestimonials(t.services, content, {
      format: 'csv',
      workspaceId,
      formId: form.id,
      map: { name: 'author_name', body: 'text', stars: 'rating' },
      ignore: ['id'],
      defaultStatus: 'approved',
    });

    expect(result).toEqual({ imported: 2, rejected: [] });
    const rows = await stored(workspaceId);
    expect(rows.map((r) => [r.author_name, r.text, r.rating, r.status, r.form_id])).toEqual([
      ['Ana', 'Great', 5, 'approved', form.id],
      ['Bo', 'Fine', 3, 'rejected', form.id],
    ]);
    const tags = await t.services.db.kysely
      .selectFrom('testimonial_tags')
      .select('tag')
      .where('testimonial_id', '=', rows[0]!.id)
      .orderBy('tag')
      .execute();
    expect(tags.map((r) => r.tag)).toEqual(['billing', 'vip']);
  });

  it('imports JSON Lines and rejects bad rows with their record number and reason', async () => {
    const workspaceId = await workspace();
    const content = [
      '{"author_name":"Ana","text":"Great","rating":5,"tags":["vip"]}',
      '{"author_name":"Bo","rating":7}',
      '',
      '{"author_name":"Cy","text":"Fine","rating":"4","tags":"a,b","created_at":"2023-05-06"}',
      '{"author_name":"Di","text":"Meh","rating":0}',
    ].join('\n');
    const result = await importTestimonials(t.services, content, { format: 'jsonl', workspaceId });

    expect(result).toEqual({
      imported: 2,
      rejected: [
        { record: 2, reasons: ['text is required', 'rating must be a whole number from 1 to 5'] },
        { record: 4, reasons: ['rating must be a whole number from 1 to 5'] },
      ],
    });
    expect((await stored(workspaceId)).map((r) => [r.author_name, r.rating])).toEqual([
      ['Cy', 4],
      ['Ana', 5],
    ]);
  });

  it('refuses unknown columns before writing anything', async () => {
    const workspaceId = await workspace();
    const content = 'author_name,text,votes,product\nAna,Great,3,x\n';
    const run = importTestimonials(t.services, content, { format: 'csv', workspaceId });

    await expect(run).rejects.toThrow(ImportSetupError);
    await expect(run).rejects.toThrow('unknown columns: "votes", "product".');
    expect(await stored(workspaceId)).toEqual([]);
    expect(await contentVersion(workspaceId)).toBe(0);
  });

  it('writes in batches, bumping the feed version per batch and recording no events', async () => {
    const workspaceId = await workspace();
    const lines = Array.from({ length: 5 }, (_, i) => `Author ${i},Text ${i}`);
    const content = `author_name,text\n${lines.join('\n')}\n`;
    const result = await importTestimonials(t.services, content, {
      format: 'csv',
      workspaceId,
      batchRows: 2,
    });

    expect(result.imported).toBe(5);
    expect(await stored(workspaceId)).toHaveLength(5);
    expect(await contentVersion(workspaceId)).toBe(3);
    const events = await t.services.db.kysely
      .selectFrom('events')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .execute();
    expect(events).toEqual([]);
  });
});
