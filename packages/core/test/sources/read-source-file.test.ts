import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSourceFile } from '../../src/index.js';
import { type FileTree, makeFileTree } from './file-tree.js';
import { rejection } from '../fixtures.js';

let tree: FileTree;
let secret: string;

beforeEach(() => {
  tree = makeFileTree();
  secret = tree.write(join(tree.base, 'outside', 'secret.txt'), 'top secret');
});

afterEach(() => tree.remove());

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('readSourceFile', () => {
  it('reads a file under the roots and reports its resolved and real paths', async () => {
    const path = tree.write('docs/a.txt', 'alpha');
    const file = await readSourceFile(path, { roots: [tree.root] });
    expect(text(file.bytes)).toBe('alpha');
    expect(file).toMatchObject({ path, realPath: path });
    expect(file.bytes).toBeInstanceOf(Uint8Array);
  });

  it('resolves a relative path against the working directory', async () => {
    const path = tree.write('rel.txt', 'relative');
    const file = await readSourceFile(relative(process.cwd(), path), { roots: [tree.root] });
    expect(file.path).toBe(path);
    expect(text(file.bytes)).toBe('relative');
  });

  it('follows a symlink that stays inside the roots and reports where it leads', async () => {
    const target = tree.write('real/b.txt', 'bravo');
    const link = tree.link('link-in.txt', target);
    const file = await readSourceFile(link, { roots: [tree.root] });
    expect(file).toMatchObject({ path: link, realPath: target });
    expect(text(file.bytes)).toBe('bravo');
  });

  it('refuses a symlink to a file outside the roots with PATH_OUTSIDE_ROOTS and reads nothing', async () => {
    const link = tree.link('link-out.txt', secret);
    const error = await rejection(readSourceFile(link, { roots: [tree.root], field: 'sources[0].path' }));
    expect(error.code).toBe('PATH_OUTSIDE_ROOTS');
    expect(error.message).toContain('sources[0].path');
    expect(error.message).toContain(tree.root);
    expect(error.message).not.toContain('top secret');
    expect(error.data).toMatchObject({ field: 'sources[0].path', path: link, allowed_roots: [tree.root] });
  });

  it('refuses a file reached through a directory symlink that points outside the roots', async () => {
    tree.link('dir-out', tree.outside);
    const error = await rejection(readSourceFile(join(tree.root, 'dir-out', 'secret.txt'), { roots: [tree.root] }));
    expect(error.code).toBe('PATH_OUTSIDE_ROOTS');
  });

  it('refuses .. traversal out of the roots', async () => {
    tree.write('docs/a.txt', 'alpha');
    const error = await rejection(readSourceFile(`${tree.root}/docs/../../outside/secret.txt`, { roots: [tree.root] }));
    expect(error.code).toBe('PATH_OUTSIDE_ROOTS');
    // The same traversal that stays inside is fine.
    expect(text((await readSourceFile(`${tree.root}/docs/../docs/a.txt`, { roots: [tree.root] })).bytes)).toBe('alpha');
  });

  it('refuses absolute paths elsewhere, existing or not, without saying whether they exist', async () => {
    for (const path of [secret, '/etc/passwd', join(tree.outside, 'missing.txt')]) {
      const error = await rejection(readSourceFile(path, { roots: [tree.root] }));
      expect(error.code).toBe('PATH_OUTSIDE_ROOTS');
    }
  });

  it('accepts a file under any one of several roots', async () => {
    expect(text((await readSourceFile(secret, { roots: [tree.root, tree.outside] })).bytes)).toBe('top secret');
  });

  it('reports a missing file under the roots as FILE_NOT_FOUND, naming the working directory', async () => {
    const error = await rejection(readSourceFile(join(tree.root, 'nope.txt'), { roots: [tree.root] }));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.message).toContain(process.cwd());
    const below = await rejection(readSourceFile(join(tree.root, 'nope', 'deeper.txt'), { roots: [tree.root] }));
    expect(below.code).toBe('FILE_NOT_FOUND');
  });

  it('refuses a directory with NOT_A_FILE', async () => {
    mkdirSync(join(tree.root, 'folder'));
    const error = await rejection(readSourceFile(join(tree.root, 'folder'), { roots: [tree.root] }));
    expect(error.code).toBe('NOT_A_FILE');
    expect(error.message).toContain('directory');
  });

  it('refuses a FIFO with NOT_A_FILE instead of waiting for a writer', async () => {
    const fifo = join(tree.root, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const error = await rejection(readSourceFile(fifo, { roots: [tree.root] }));
    expect(error.code).toBe('NOT_A_FILE');
    expect(error.message).toContain('FIFO');
  });

  it('refuses a file over maxBytes with TOO_LARGE naming the limit, and reads one exactly at it', async () => {
    const over = tree.write('over.bin', new Uint8Array(101).fill(7));
    const error = await rejection(readSourceFile(over, { roots: [tree.root], maxBytes: 100 }));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain('100 bytes');
    expect(error.data).toMatchObject({ max_bytes: 100 });
    const exact = tree.write('exact.bin', new Uint8Array(100).fill(7));
    expect((await readSourceFile(exact, { roots: [tree.root], maxBytes: 100 })).bytes).toEqual(new Uint8Array(100).fill(7));
  });

  it('names the default 20 MiB limit in TOO_LARGE', async () => {
    const big = tree.write('big.bin', new Uint8Array(20 * 1024 * 1024 + 1));
    const error = await rejection(readSourceFile(big, { roots: [tree.root] }));
    expect(error).toMatchObject({ code: 'TOO_LARGE', data: { max_bytes: 20 * 1024 * 1024 } });
    expect(error.message).toContain('20 MiB');
  });

  it('reads empty files and files spanning several read chunks byte for byte', async () => {
    expect((await readSourceFile(tree.write('empty.txt', ''), { roots: [tree.root] })).bytes).toEqual(new Uint8Array(0));
    const content = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) % 251);
    const path = tree.write('chunks.bin', content);
    const file = await readSourceFile(path, { roots: [tree.root] });
    expect(file.bytes.byteLength).toBe(content.byteLength);
    expect(Buffer.from(file.bytes).equals(Buffer.from(content))).toBe(true);
    // Reading does not change the file.
    expect(readFileSync(path).equals(Buffer.from(content))).toBe(true);
  });

  it('stops with CANCELLED when the signal has fired', async () => {
    const path = tree.write('a.txt', 'alpha');
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const error = await rejection(readSourceFile(path, { roots: [tree.root], signal: controller.signal }));
    expect(error.code).toBe('CANCELLED');
  });

  it('rejects bad options with INVALID_INPUT naming the field', async () => {
    const path = tree.write('a.txt', 'alpha');
    const noRoots = await rejection(readSourceFile(path, { roots: [] }));
    expect(noRoots.code).toBe('INVALID_INPUT');
    expect(noRoots.message).toContain('roots');
    const zero = await rejection(readSourceFile(path, { roots: [tree.root], maxBytes: 0 }));
    expect(zero.message).toContain('maxBytes');
  });
});
