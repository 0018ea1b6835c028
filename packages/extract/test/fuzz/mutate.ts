// Deterministic mutations of valid documents for the fuzzer: generic byte-level damage plus damage that knows the
// format (tags, brackets, quotes, xref tables, the XML inside a DOCX).
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import type { ExtractFormat } from '../../src/index.js';

/** A seeded PRNG (mulberry32): the same seed gives the same files on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rng = () => number;
const int = (rng: Rng, below: number): number => Math.floor(rng() * below);
const pick = <T>(rng: Rng, items: readonly T[]): T => items[int(rng, items.length)]!;

/** One to three mutations of `bytes`, generic or aware of `format`, half and half. */
export function mutate(format: ExtractFormat, bytes: Uint8Array, rng: Rng): Uint8Array {
  let out = bytes;
  const rounds = 1 + int(rng, 3);
  for (let i = 0; i < rounds; i++) out = rng() < 0.5 ? generic(out, rng) : aware(format, out, rng);
  return out;
}

/** The names of the mutation kinds, for the report. */
export const GENERIC = ['flip', 'truncate', 'insert', 'duplicate', 'remove'] as const;

function generic(bytes: Uint8Array, rng: Rng): Uint8Array {
  const kind = pick(rng, GENERIC);
  const at = int(rng, bytes.length + 1);
  switch (kind) {
    case 'flip': {
      const out = bytes.slice();
      for (let n = 1 + int(rng, 8); n > 0 && out.length > 0; n--) out[int(rng, out.length)]! ^= 1 + int(rng, 255);
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'insert':
      return splice(bytes, at, 0, Uint8Array.from({ length: 1 + int(rng, 64) }, () => int(rng, 256)));
    case 'duplicate': {
      const length = 1 + int(rng, Math.min(512, Math.max(1, bytes.length)));
      return splice(bytes, int(rng, bytes.length + 1), 0, bytes.slice(at, at + length));
    }
    case 'remove':
      return splice(bytes, at, 1 + int(rng, Math.min(512, Math.max(1, bytes.length))), new Uint8Array(0));
  }
}

const TOKENS: Readonly<Record<'text' | 'markdown' | 'html' | 'json' | 'jsonl' | 'csv', readonly string[]>> = {
  text: ['\u0000', '\r', '\ufeff', '\ud800', '\u2028', '\t', '\u0085', 'é', '😀', '\\'],
  markdown: ['---\n', '\n---\n', ': ', ': [', '&a ', '*a ', '- ', '# ', '```', '\t', '{', '!!binary ', '? '],
  html: ['<', '>', '</', '"', "'", '<script>', '</script>', '<!--', '-->', '<![CDATA[', '&#x', '&amp', '<style>', '<div>', '<main>', '<title>', '<svg>', '<template>', '<table><tr><td>'],
  json: ['{', '}', '[', ']', '"', ',', ':', '\\u', '\\', 'null', '1e999', '-'],
  jsonl: ['{', '}', '[', ']', '"', ',', ':', '\n', '\\u', '\\'],
  csv: ['"', ',', ';', '\t', '\n', '\r', '""', '"\n'],
};

function aware(format: ExtractFormat, bytes: Uint8Array, rng: Rng): Uint8Array {
  if (format === 'pdf') return pdfAware(bytes, rng);
  if (format === 'docx') return docxAware(bytes, rng);
  const text = new TextDecoder().decode(bytes);
  const tokens = TOKENS[format];
  const at = int(rng, text.length + 1);
  switch (int(rng, 4)) {
    case 0:
      return strToU8(text.slice(0, at) + pick(rng, tokens).repeat(1 + int(rng, 3)) + text.slice(at));
    case 1: {
      // Remove every occurrence of one structural token around a point: unbalances brackets, tags and quotes.
      const token = pick(rng, tokens);
      const index = text.indexOf(token, at);
      return index === -1 ? strToU8(text.slice(0, at)) : strToU8(text.slice(0, index) + text.slice(index + token.length));
    }
    case 2: {
      // Deep nesting, the classic parser stack breaker.
      const open = format === 'html' ? '<div>' : format === 'json' || format === 'jsonl' ? '[' : format === 'markdown' ? '> ' : '"';
      return strToU8(text.slice(0, at) + open.repeat(100 + int(rng, 5000)) + text.slice(at));
    }
    default:
      // Invalid UTF-8 in the middle.
      return splice(bytes, int(rng, bytes.length + 1), 0, Uint8Array.from([0xc3, 0x28, 0xff, 0xe2, 0x82].slice(0, 1 + int(rng, 5))));
  }
}

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');
const fromLatin1 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

// PDF structure: numbers in xref tables and after /Length, startxref, obj/endobj/stream keywords, %%EOF.
function pdfAware(bytes: Uint8Array, rng: Rng): Uint8Array {
  const text = latin1(bytes);
  switch (int(rng, 6)) {
    case 0: {
      // Rewrite some xref offsets or the startxref number.
      return fromLatin1(text.replace(/\b\d{10} \d{5} [nf]|startxref\s+\d+/g, (match) => (rng() < 0.3 ? match.replace(/\d/g, () => String(int(rng, 10))) : match)));
    }
    case 1:
      return fromLatin1(text.replace(/\/Length \d+/g, (match) => (rng() < 0.5 ? `/Length ${pick(rng, ['0', '1', '99999999', '-5', String(int(rng, 5000))])}` : match)));
    case 2: {
      const keyword = pick(rng, ['endobj', 'endstream', 'stream', '%%EOF', 'xref', 'trailer', 'obj', '/Root', '/Pages', '/Kids', 'R']);
      let seen = 0;
      const which = int(rng, 4);
      return fromLatin1(text.replace(new RegExp(keyword.replace(/[%/]/g, (ch) => `\\${ch}`), 'g'), (match) => (seen++ === which ? '' : match)));
    }
    case 3: {
      // Self-references and loops in the page tree.
      return fromLatin1(text.replace(/\/Parent \d+ 0 R|\/Kids \[[^\]]*\]/g, (match) => (rng() < 0.5 ? (match.startsWith('/Kids') ? '/Kids [1 0 R 2 0 R 2 0 R]' : '/Parent 4 0 R') : match)));
    }
    case 4: {
      // Damage inside a content stream (compressed or not).
      const start = text.indexOf('stream', int(rng, text.length));
      if (start === -1) return generic(bytes, rng);
      const out = bytes.slice();
      for (let n = 1 + int(rng, 16); n > 0; n--) {
        const at = start + 7 + int(rng, 200);
        if (at < out.length) out[at] = int(rng, 256);
      }
      return out;
    }
    default:
      // Drop the tail: xref and trailer gone, pdf.js must reconstruct.
      return bytes.slice(0, Math.max(0, text.lastIndexOf('xref') - int(rng, 50)));
  }
}

// DOCX: damage the XML inside and zip it again (so the zip is valid and the damage reaches the parsers), or
// damage the zip's central directory.
function docxAware(bytes: Uint8Array, rng: Rng): Uint8Array {
  let files: Record<string, Uint8Array>;
  let tooBig = false;
  try {
    // A size damaged by an earlier round can claim gigabytes, which unzipSync would allocate.
    files = unzipSync(bytes, {
      filter: (file) => {
        if (file.originalSize <= 1024 * 1024) return true;
        tooBig = true;
        return false;
      },
    });
  } catch {
    return generic(bytes, rng);
  }
  if (tooBig) return generic(bytes, rng);
  const choice = int(rng, 5);
  if (choice === 4) {
    // The central directory sits at the end: corrupt bytes there.
    const out = bytes.slice();
    for (let n = 1 + int(rng, 6); n > 0; n--) out[Math.max(0, out.length - 1 - int(rng, 200))] = int(rng, 256);
    return out;
  }
  const names = Object.keys(files);
  if (choice === 3) {
    delete files[pick(rng, names)];
    return zipSync(files, { mtime: new Date('2024-05-01T10:00:00Z') });
  }
  const name = choice === 0 ? 'word/document.xml' : pick(rng, names.filter((entry) => entry.endsWith('.xml') || entry.endsWith('.rels')));
  const xml = files[name];
  if (xml === undefined) return generic(bytes, rng);
  const text = strFromU8(xml);
  const at = int(rng, text.length + 1);
  const damaged = pick(rng, [
    () => text.slice(0, at) + pick(rng, ['<', '>', '</w:p>', '<w:p>', '<w:t>', '"', '&', '<!DOCTYPE x [<!ENTITY a "aaaa">]>', '&a;', '<w:r><w:t>']) + text.slice(at),
    () => text.slice(0, at),
    () => text.replace(/>/g, (match) => (rng() < 0.02 ? '' : match)),
    () => text.slice(0, at) + '<w:p><w:r>'.repeat(100 + int(rng, 3000)) + text.slice(at),
  ])();
  files[name] = strToU8(damaged);
  return zipSync(files, { mtime: new Date('2024-05-01T10:00:00Z') });
}

function splice(bytes: Uint8Array, at: number, remove: number, insert: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length - Math.min(remove, bytes.length - at) + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}
