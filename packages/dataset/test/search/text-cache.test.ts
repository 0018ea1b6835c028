import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrameDataset, type NewRecord, type SearchOutcome, type SearchRequest, tokenize } from '../../src/index.js';
import type { TextChanges } from '../../src/search/patched-text-snapshot.js';
import { TextCache } from '../../src/search/text-cache.js';
import { termFrequencies } from '../../src/search/text-index.js';
import type { TermCounts } from '../../src/search/text-snapshot.js';
import { tempDir } from '../temp-dir.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const DIMS = 8;
const vectorRandom = random(8);
/** A random vector: records written by the tests get distinct directions, so no two tie in a vector ranking. */
const vectorOf = () => Array.from({ length: DIMS }, () => vectorRandom() - 0.5);

/** A seeded generator, so the fixtures are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

// Common words (so queries touch many postings), rarer ones, and words that only differ by Unicode form:
// 'ｃａｆé' and 'CAFÉ' both index as 'café', 'ﬁle' as 'file'.
const COMMON = ['the', 'data', 'search', 'index', 'fast', 'query', 'rank', 'node', 'duck', 'text'];
const RARE = Array.from({ length: 150 }, (_, i) => `w${i}x`);
const UNICODE = ['café', 'ｃａｆé', 'CAFÉ', 'straße', '東京', 'ﬁle', 'naïve', 'Ωmega'];

/** `count` records: repeated words, exact copies (ties), empty texts, unicode, tags, titles and contexts. */
function corpus(count: number, seed: number, first = 0): NewRecord[] {
  const rnd = random(seed);
  const pick = (words: readonly string[]) => words[Math.floor(rnd() * words.length)]!;
  const words = (n: number) =>
    Array.from({ length: n }, () => {
      const r = rnd();
      return r < 0.55 ? pick(COMMON) : r < 0.93 ? pick(RARE) : pick(UNICODE);
    }).join(' ');
  return Array.from({ length: count }, (_, k) => {
    const i = first + k;
    const shared = { uuid: ID(i), metadata: { group: i % 7, flag: i % 3 === 0 }, collection: i % 2 ? 'b' : 'a', embedding: Array.from({ length: DIMS }, () => rnd() - 0.5) };
    // Every 40th record has no text at all; every 25th (+1) copies record 1's text exactly (ties by score).
    if (i % 40 === 0) return { ...shared, content: '' };
    if (i % 25 === 1) return { ...shared, title: 'copy', content: 'the duck w7x w7x café' };
    return {
      ...shared,
      title: rnd() < 0.5 ? words(2) : null,
      content: `${words(1 + Math.floor(rnd() * 30))}${rnd() < 0.2 ? ` ${pick(COMMON)} ${pick(COMMON)} ${pick(COMMON)}` : ''}`,
      context: rnd() < 0.1 ? words(3) : null,
      tags: rnd() < 0.2 ? [pick(RARE), pick(COMMON)] : [],
    };
  });
}

const FILTERS = [null, null, `"group" IN (1, 3)`, `collection = 'b'`, 'flag = true', `"group" = 99`];
const LIMITS = [1, 2, 5, 10, 37, 100, 500, 1000];

/**
 * Text and hybrid requests over many word mixes, limits 1 to 1,000, with and without filters: for each text,
 * a text request, a hybrid one, and a text request for the hybrid's text candidates (see expectSameOutcomes).
 */
function requestsFor(count: number, seed: number): SearchRequest[] {
  const rnd = random(seed);
  const pick = (words: readonly string[]) => words[Math.floor(rnd() * words.length)]!;
  const texts = Array.from({ length: count }, (_, q) => {
    if (q === 0) return '';
    if (q === 1) return 'no-such-word-anywhere';
    if (q === 2) return 'duck duck DUCK';
    if (q === 3) return 'ｃａｆé ﬁle 東京';
    return Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => pick(rnd() < 0.5 ? COMMON : rnd() < 0.8 ? RARE : UNICODE)).join(' ');
  });
  return texts.flatMap((text, q) => {
    const limit = LIMITS[q % LIMITS.length]!;
    const filter = FILTERS[q % FILTERS.length]!;
    const vector = Array.from({ length: DIMS }, () => rnd() - 0.5);
    const candidates = Math.min(1000, Math.max(limit, 50 + q));
    return [
      { type: 'text' as const, text, limit, filter },
      { type: 'hybrid' as const, text, vector, limit, filter, fusion: { candidates } },
      { type: 'text' as const, text, limit: candidates, filter },
    ];
  });
}

type Hit = { uuid: string; score: number; text?: number | undefined; rankKey?: string };

function hits(outcomes: SearchOutcome[]): Hit[][] {
  return outcomes.map((outcome) => {
    if (!outcome.ok) throw outcome.error;
    return outcome.hits.map((hit) => ({ uuid: hit.uuid, score: hit.score, text: hit.scores.text, rankKey: JSON.stringify(hit.ranks) }));
  });
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));

/**
 * Asserts that two text rankings are the same: equal scores up to summation order (relative 1e-12) at every
 * position, and the same ids in the same order, except that ids may trade places among SQL scores within 1e-12
 * of each other (SQL sums a record's terms in no fixed order). Returns how many positions hold another id.
 */
function expectSameText(memory: Hit[], sql: Hit[], limit: number): number {
  expect(memory.length).toBe(sql.length);
  memory.forEach((hit, i) => { expect(close(hit.score, sql[i]!.score), `score ${hit.score} vs ${sql[i]!.score} at ${i}`).toBe(true); });
  let moved = 0;
  for (let i = 0; i < sql.length; ) {
    let j = i + 1;
    while (j < sql.length && close(sql[j]!.score, sql[j - 1]!.score)) j++;
    const ours = memory.slice(i, j).map((hit) => hit.uuid);
    const theirs = sql.slice(i, j).map((hit) => hit.uuid);
    moved += ours.filter((id, k) => id !== theirs[k]).length;
    // Our own ties (equal scores) are always in uuid order.
    for (let k = i + 1; k < j; k++) if (memory[k]!.score === memory[k - 1]!.score) expect(memory[k - 1]!.uuid < memory[k]!.uuid).toBe(true);
    // A group cut by the limit may hold other members of the tie; any other group holds the same ids.
    if (!(j === sql.length && sql.length === limit)) expect([...ours].sort()).toEqual([...theirs].sort());
    i = j;
  }
  return moved;
}

/**
 * Asserts that every outcome of `memory` ranks as `sql`'s does (see expectSameText); returns positions moved.
 * A hybrid request must be followed by the text request of its candidates: fused scores follow from ranks, so
 * the hybrid rankings must be identical wherever the candidates' text rankings are; where SQL's summation order
 * swapped near-ties among them, each record's own scores must still agree.
 */
function expectSameOutcomes(requests: readonly SearchRequest[], memory: Hit[][], sql: Hit[][]): number {
  expect(memory.length).toBe(sql.length);
  let moved = 0;
  requests.forEach((request, q) => {
    if (request.type === 'text') {
      moved += expectSameText(memory[q]!, sql[q]!, request.limit ?? 10);
      return;
    }
    const candidates = requests[q + 1]!;
    expect(candidates).toEqual({ type: 'text', text: request.text, limit: request.fusion!.candidates, filter: request.filter });
    // The fused ranking follows from each record's ranks. SQL ranks the hybrid's own text candidates apart from
    // the text request after it, summing terms in another order, so its near-ties can fall differently there:
    // the rankings must be identical wherever every shared record holds the same ranks in both.
    const ranksOf = new Map(sql[q]!.map((hit) => [hit.uuid, hit.rankKey]));
    const sameRanks =
      memory[q + 1]!.every((hit, i) => hit.uuid === sql[q + 1]![i]?.uuid) &&
      memory[q]!.length === sql[q]!.length &&
      memory[q]!.every((hit) => ranksOf.get(hit.uuid) === hit.rankKey);
    // A hybrid ranking that cannot be compared hit for hit counts as moved.
    if (!sameRanks) moved++;
    if (sameRanks) {
      expect(memory[q]!.map((hit) => hit.uuid)).toEqual(sql[q]!.map((hit) => hit.uuid));
      memory[q]!.forEach((hit, i) => { expect(hit.score).toBe(sql[q]![i]!.score); });
    }
    expect(memory[q]!.length).toBe(sql[q]!.length);
    const theirs = new Map(sql[q]!.map((hit) => [hit.uuid, hit]));
    for (const hit of memory[q]!) {
      const other = theirs.get(hit.uuid);
      if (other === undefined) continue;
      if (hit.text === undefined) expect(other.text).toBeUndefined();
      else expect(close(hit.text, other.text!)).toBe(true);
    }
  });
  return moved;
}

/** Hits in all rankings. */
const total = (rankings: Hit[][]) => rankings.reduce((sum, ranking) => sum + ranking.length, 0);

let dir: ReturnType<typeof tempDir>;
let ds: FrameDataset;
let file: string;

beforeEach(async () => {
  dir = tempDir();
  file = join(dir.path, 'text.duckdb');
  ds = await FrameDataset.open({ path: file });
});

afterEach(async () => {
  await ds.close();
  dir.remove();
});

/** The same requests through the SQL path: inside a transaction text search reads the index tables. */
async function fromSql(requests: readonly SearchRequest[]): Promise<Hit[][]> {
  return hits(await ds.transaction((tx) => tx.searchMany(requests)));
}

/** What a snapshot loaded afresh gives: the same file, opened again. */
async function reopened(requests: readonly SearchRequest[], options: { textCacheBytes?: number } = {}): Promise<Hit[][]> {
  await ds.close();
  ds = await FrameDataset.open({ path: file, ...options });
  return hits(await ds.searchMany(requests));
}

describe('text search from the in-memory snapshot', () => {
  it('ranks 4,000 records as the SQL path does: 601 text and hybrid searches, limits 1 to 1,000, with and without filters', async () => {
    await ds.add(corpus(4000, 11), { embeddingModel: 'test' });
    const requests = [...requestsFor(200, 5), { type: 'text' as const, text: 'duck w7x café', limit: 1000 }];
    const memory = hits(await ds.searchMany(requests));
    const sql = await fromSql(requests);
    const moved = expectSameOutcomes(requests, memory, sql);
    // Only ties (and SQL's near-ties) trade places: records 1, 26, 51, ... tie, and SQL's summation order splits
    // some of them by an ulp.
    expect(moved).toBeLessThan(total(memory) / 50);
    // The fixture does what it is for: long rankings, empty and unmatched queries, unicode forms, ties.
    expect(memory.some((ranking, q) => requests[q]!.type === 'text' && ranking.length === 1000)).toBe(true);
    expect(memory[0]).toEqual([]); // ''
    expect(memory[3]).toEqual([]); // 'no-such-word-anywhere'
    // 'ｃａｆé ﬁle 東京' finds the records written 'café', 'CAFÉ', 'file' or '東京'.
    expect(memory[9]!.length).toBeGreaterThan(0);
    // Record 1's 160 exact copies tie: side by side in their query's ranking, in uuid order.
    const copies = Array.from({ length: 160 }, (_, k) => ID(25 * k + 1));
    const last = memory.at(-1)!;
    const at = last.findIndex((hit) => hit.uuid === ID(1));
    expect(last.slice(at, at + 160).map((hit) => hit.uuid)).toEqual(copies);
    expect(new Set(last.slice(at, at + 160).map((hit) => hit.score)).size).toBe(1);
  });

  it('answers many queries in one call exactly as one at a time', async () => {
    await ds.add(corpus(1500, 12), { embeddingModel: 'test' });
    const requests = requestsFor(24, 9).filter((request) => request.type === 'text');
    const together = hits(await ds.searchMany(requests));
    const alone = [];
    for (const request of requests) alone.push(...hits(await ds.searchMany([request])));
    expect(together).toEqual(alone);
    expect(together.some((ranking) => ranking.length > 0)).toBe(true);
  });

  it('falls back to the SQL path over budget (textCacheBytes: 1) and with the copy off (0), ranking the same', async () => {
    await ds.add(corpus(1500, 13), { embeddingModel: 'test' });
    const requests = requestsFor(40, 3);
    const memory = hits(await ds.searchMany(requests));
    const sql = await fromSql(requests);
    const overBudget = await reopened(requests, { textCacheBytes: 1 });
    const off = await reopened(requests, { textCacheBytes: 0 });
    // Both run the statement the transaction ran, on the same data.
    expectSameOutcomes(requests, overBudget, sql);
    expectSameOutcomes(requests, off, sql);
    expectSameOutcomes(requests, memory, sql);
    expect(memory.some((ranking) => ranking.length > 1)).toBe(true);
  });

  it('rejects a textCacheBytes that is not a whole number of bytes', async () => {
    await expect(FrameDataset.open({ path: join(dir.path, 'bad.duckdb'), textCacheBytes: -1 })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/textCacheBytes must be a whole number of bytes/),
    });
    await expect(FrameDataset.open({ path: join(dir.path, 'bad.duckdb'), textCacheBytes: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('text search after commits, with the snapshot patched instead of reloaded', () => {
  const requests = [
    ...requestsFor(60, 21),
    { type: 'text' as const, text: 'zebra', limit: 10 },
    { type: 'text' as const, text: 'giraffe zebra w3x', limit: 50 },
    { type: 'text' as const, text: 'chunky', limit: 50, filter: `record_type = 'chunk'` },
  ];

  /** Asserts the in-memory ranking equals the SQL path's and a freshly loaded snapshot's; returns it. */
  async function expectCurrent(): Promise<Hit[][]> {
    const memory = hits(await ds.searchMany(requests));
    expectSameOutcomes(requests, memory, await fromSql(requests));
    const fresh = await reopened(requests);
    // The patched snapshot and a fresh load sum each record's terms in the same order: equal to the last bit.
    expect(memory).toEqual(fresh);
    return memory;
  }

  const top = (ranking: Hit[]) => ranking.map((hit) => hit.uuid);

  it('sees committed adds, rewrites and deletes (a document with its chunks) at once', async () => {
    await ds.add(corpus(1200, 31), { embeddingModel: 'test' });
    // The first search loads the snapshot; the commits below are laid over it.
    await ds.search({ type: 'text', text: 'duck', limit: 1 });
    await ds.add([
      { uuid: ID(5000), content: 'a zebra among the ducks', embedding: vectorOf() },
      { uuid: ID(5001), title: 'Zebra', content: 'zebra zebra w3x', tags: ['zebra'], embedding: vectorOf() },
      { uuid: ID(5002), content: '', embedding: vectorOf() },
      { uuid: ID(6000), content: 'a document cut in chunks', embedding: vectorOf() },
      ...[0, 1, 2].map((k) => ({
        uuid: ID(6001 + k),
        content: `chunky piece ${k} of the zebra`,
        record_type: 'chunk',
        parent_id: ID(6000),
        chunk_index: k,
        embedding: vectorOf(),
      })),
    ]);
    await ds.update([
      { uuid: ID(3), patch: { content: 'a giraffe walks past the duck' } },
      { uuid: ID(26), patch: { title: 'no longer a copy' } },
    ]);
    await ds.upsert([{ uuid: ID(7), content: 'zebra giraffe', embedding: vectorOf() }]);
    const deleted = await ds.delete([ID(6000), ID(10), ID(51)]);
    expect(deleted.chunksDeleted).toBe(3);
    const memory = await expectCurrent();
    const zebra = top(memory.at(-3)!);
    expect(zebra).toEqual(expect.arrayContaining([ID(5000), ID(5001), ID(7)]));
    expect(zebra).toHaveLength(3);
    expect(zebra[0]).toBe(ID(5001));
    expect(top(memory.at(-2)!)).toEqual(expect.arrayContaining([ID(3), ID(7)]));
    // The document and its chunks are gone; so are the deleted records.
    expect(memory.at(-1)).toEqual([]);
    expect(memory.flat().some((hit) => [ID(6000), ID(6001), ID(10), ID(51)].includes(hit.uuid))).toBe(false);
  });

  it('stays exact over a chain of commits, with and without searches between them, and ignores a rolled-back one', async () => {
    await ds.add(corpus(800, 41), { embeddingModel: 'test' });
    await ds.search({ type: 'text', text: 'duck', limit: 1 });
    for (let step = 0; step < 6; step++) {
      await ds.add(corpus(15, 100 + step, 3000 + step * 15), { embeddingModel: 'test' });
      await ds.update([{ uuid: ID(step * 11 + 2), patch: { content: `zebra ${'w3x '.repeat(step)}` } }]);
      await ds.delete([ID(step * 13 + 6), ID(3000 + step * 15)]);
      // Every other step searches, so some commits are merged before they are laid over.
      if (step % 2 === 1) await ds.search({ type: 'text', text: 'zebra', limit: 5 });
    }
    await expect(
      ds.transaction(async (tx) => {
        await tx.add([{ uuid: ID(9000), content: 'zebra zebra zebra giraffe chunky' }]);
        await tx.delete([ID(2), ID(13)]);
        await tx.update([{ uuid: ID(1), patch: { content: 'chunky' } }]);
        // Inside the transaction its own writes are seen (the SQL path).
        expect(top(await tx.search({ type: 'text', text: 'chunky', limit: 5 })).sort()).toEqual([ID(1), ID(9000)]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const memory = await expectCurrent();
    expect(memory.at(-1)).toEqual([]);
    expect(memory.flat().some((hit) => hit.uuid === ID(9000))).toBe(false);
    expect(top(memory.at(-3)!).length).toBe(6);
  });

  it('reloads after a commit too large to track, and stays exact', async () => {
    await ds.add(corpus(300, 51), { embeddingModel: 'test' });
    await ds.search({ type: 'text', text: 'duck', limit: 1 });
    let tracked: unknown = 'unset';
    await ds.transaction(async (tx) => {
      await tx.add(Array.from({ length: 20_001 }, (_, i) => ({ uuid: ID(10_000 + i), content: `plain ${i % 97} w${i % 150}x` })));
      tracked = tx.textChanges;
    });
    expect(tracked).toBeNull();
    await ds.add([{ uuid: ID(8000), content: 'zebra after the big one' }]);
    const memory = await expectCurrent();
    expect(top(memory.at(-3)!)).toEqual([ID(8000)]);
  });

  it('reloads after a commit of a few records with more postings than are worth tracking, and stays exact', async () => {
    await ds.add(corpus(300, 52), { embeddingModel: 'test' });
    await ds.search({ type: 'text', text: 'duck', limit: 1 });
    // 101 records of 10,000 distinct terms each: 1,010,000 postings, past the 1,000,000 a transaction tracks.
    const long = Array.from({ length: 10_000 }, (_, k) => `r${k}`).join(' ');
    let tracked: unknown = 'unset';
    await ds.transaction(async (tx) => {
      await tx.add(Array.from({ length: 101 }, (_, i) => ({ uuid: ID(20_000 + i), content: i === 7 ? `${long} zebra` : long })));
      tracked = tx.textChanges;
    });
    expect(tracked).toBeNull();
    const memory = await expectCurrent();
    expect(top(memory.at(-3)!)).toEqual([ID(20_007)]);
  });

  it('finds a document right after its commit and not after its delete', async () => {
    await ds.add(corpus(200, 61), { embeddingModel: 'test' });
    expect(await ds.search({ type: 'text', text: 'okapi' })).toEqual([]);
    await ds.add([{ uuid: ID(7000), content: 'an okapi' }]);
    expect(top(hits(await ds.searchMany([{ type: 'text', text: 'okapi' }]))[0]!)).toEqual([ID(7000)]);
    await ds.delete([ID(7000)]);
    expect(await ds.search({ type: 'text', text: 'okapi' })).toEqual([]);
    expect(await ds.search({ type: 'hybrid', text: 'okapi', vector: vectorOf(), limit: 300 })).not.toContainEqual(
      expect.objectContaining({ uuid: ID(7000) }),
    );
  });
});

describe('TextCache', () => {
  /** Index tables with given texts (uuid -> text), so what the cache holds can differ from them visibly. */
  async function tablesOf(texts: Record<string, string>) {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run('CREATE TABLE cf_postings (term VARCHAR NOT NULL, uuid VARCHAR NOT NULL, tf INTEGER NOT NULL)');
    await connection.run('CREATE TABLE cf_doc_lengths (uuid VARCHAR NOT NULL, length INTEGER NOT NULL)');
    for (const [uuid, text] of Object.entries(texts)) {
      const tokens = tokenize(text);
      await connection.run(`INSERT INTO cf_doc_lengths VALUES ('${uuid}', ${tokens.length})`);
      for (const [term, tf] of termFrequencies(tokens)) await connection.run(`INSERT INTO cf_postings VALUES ('${term}', '${uuid}', ${tf})`);
    }
    return { connection, close: () => { connection.closeSync(); instance.closeSync(); } };
  }
  const counts = (text: string): TermCounts => {
    const tokens = tokenize(text);
    const frequencies = termFrequencies(tokens);
    return { length: tokens.length, terms: [...frequencies.keys()], tfs: Int32Array.from(frequencies.values()) };
  };
  const ranked = (snapshot: Awaited<ReturnType<TextCache['snapshot']>>, text: string) =>
    snapshot!.search([{ terms: [...new Set(tokenize(text))], limit: 10 }], null)[0]!.map((hit) => hit.uuid);

  it('lays committed changes over the loaded snapshot without reading the tables again', async () => {
    const { connection, close } = await tablesOf({ a: 'apple pie', b: 'banana bread', c: 'apple apple' });
    try {
      const cache = new TextCache();
      const first = await cache.snapshot(connection);
      expect(first!.documents).toBe(3);
      expect(ranked(first, 'apple')).toEqual(['c', 'a']);
      const changes: TextChanges = new Map([['d', counts('banana apple')], ['b', null], ['c', counts('cherry')]]);
      cache.committed(changes);
      const second = await cache.snapshot(connection);
      // The same base, and records the tables do not hold: the changes were laid over, not reloaded.
      expect(second!.base).toBe(first!.base);
      expect(second!.documents).toBe(3);
      expect(second!.lengthSum).toBe(2 + 2 + 1);
      // a and d tie (tf 1, length 2): the smaller uuid first.
      expect(ranked(second, 'apple')).toEqual(['a', 'd']);
      expect(ranked(second, 'banana')).toEqual(['d']);
      expect(ranked(second, 'cherry')).toEqual(['c']);
      expect(await cache.snapshot(connection)).toBe(second);
      // The first snapshot is left as it was.
      expect(ranked(first, 'apple')).toEqual(['c', 'a']);
      // Unknown changes reload: now the tables are what counts.
      cache.committed(null);
      const third = await cache.snapshot(connection);
      expect(third!.base).not.toBe(first!.base);
      expect(ranked(third, 'apple')).toEqual(['c', 'a']);
      expect(ranked(third, 'banana')).toEqual(['b']);
    } finally {
      close();
    }
  });

  it('scores an overlay record exactly as the same record loaded in the base', async () => {
    const { connection, close } = await tablesOf({ a: 'apple pie', b: 'banana bread banana', x: 'apple banana cherry' });
    const other = await tablesOf({ a: 'apple pie', b: 'banana bread banana' });
    try {
      const loaded = await new TextCache().snapshot(connection);
      const cache = new TextCache();
      await cache.snapshot(other.connection);
      cache.committed(new Map([['x', counts('apple banana cherry')]]));
      const patched = await cache.snapshot(other.connection);
      const query = [{ terms: ['apple', 'banana', 'cherry'], limit: 10 }];
      expect(patched!.search(query, null, { k1: 1.5, b: 0.6 })).toEqual(loaded!.search(query, null, { k1: 1.5, b: 0.6 }));
      expect(patched!.search(query, ['x', 'b', 'nope'])).toEqual(loaded!.search(query, ['b', 'x']));
      expect(patched!.search(query, ['b', 'x'])[0]!.map((hit) => hit.uuid)).toEqual(['x', 'b']);
    } finally {
      close();
      other.close();
    }
  });

  it('reloads when commits pile up past the overlay limit, or when nothing was loaded yet', async () => {
    const { connection, close } = await tablesOf({ a: 'apple' });
    try {
      const cache = new TextCache();
      cache.committed(new Map([['x', counts('apple')]]));
      const loaded = await cache.snapshot(connection);
      expect(ranked(loaded, 'apple')).toEqual(['a']);
      // Commits with no search between them: past the limit, they are dropped for a reload.
      for (let i = 0; i <= loaded!.overlayLimit; i += 1000) {
        cache.committed(new Map(Array.from({ length: 1000 }, (_, k) => [`n${i + k}`, counts('apple')] as const)));
      }
      const reloaded = await cache.snapshot(connection);
      expect(reloaded!.base).not.toBe(loaded!.base);
      expect(ranked(reloaded, 'apple')).toEqual(['a']);
      // Overlays laid over one by one, with searches between: the overlay grows until a reload is cheaper.
      const half = Math.ceil(reloaded!.overlayLimit / 2) + 1;
      cache.committed(new Map(Array.from({ length: half }, (_, k) => [`p${k}`, counts('pear')] as const)));
      const once = await cache.snapshot(connection);
      expect(once!.base).toBe(reloaded!.base);
      expect(once!.documents).toBe(1 + half);
      cache.committed(new Map(Array.from({ length: half }, (_, k) => [`q${k}`, counts('pear')] as const)));
      const again = await cache.snapshot(connection);
      expect(again!.base).not.toBe(reloaded!.base);
      expect(again!.documents).toBe(1);
    } finally {
      close();
    }
  });

  it('caches nothing over its budget, so text search stays on the SQL path', async () => {
    const { connection, close } = await tablesOf({ a: 'apple', b: 'banana' });
    try {
      expect(await new TextCache(1).snapshot(connection)).toBeNull();
      expect(await new TextCache(0).snapshot(connection)).toBeNull();
      const fits = await new TextCache().snapshot(connection);
      expect(fits!.bytes).toBeGreaterThan(1);
      expect(await new TextCache(fits!.bytes).snapshot(connection)).not.toBeNull();
      expect(await new TextCache(fits!.bytes - 1).snapshot(connection)).toBeNull();
    } finally {
      close();
    }
  });
});

