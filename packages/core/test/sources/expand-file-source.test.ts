import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandFileSource, readSourceFile } from '../../src/index.js';
import { type FileTree, makeFileTree } from './file-tree.js';
import { rejection } from '../fixtures.js';

let tree: FileTree;

beforeEach(() => {
  tree = makeFileTree();
  tree.write(join(tree.outside, 'secret.txt'), 'top secret');
});

afterEach(() => tree.remove());

describe('expandFileSource', () => {
  it('expands a file to itself', async () => {
    const path = tree.write('a.txt', 'alpha');
    expect(await expandFileSource(path, { roots: [tree.root] })).toEqual({ directory: false, files: [path], skipped: [] });
  });

  it('expands a directory recursively, depth first, each directory in code-unit order of names', async () => {
    for (const name of ['b.txt', 'a.txt', 'B.txt', 'sub/z.md', 'sub/deeper/y.md', 'a-b.txt', 'sub2/x.txt', '10.txt', '9.txt', 'é.txt']) tree.write(name, name);
    mkdirSync(join(tree.root, 'empty'));
    const result = await expandFileSource(tree.root, { roots: [tree.root] });
    expect(result.directory).toBe(true);
    expect(result.files.map((file) => relative(tree.root, file))).toEqual([
      '10.txt',
      '9.txt',
      'B.txt',
      'a-b.txt',
      'a.txt',
      'b.txt',
      'sub/deeper/y.md',
      'sub/z.md',
      'sub2/x.txt',
      'é.txt',
    ]);
    expect(result.skipped).toEqual([]);
    // The same tree expands the same way every time.
    expect(await expandFileSource(tree.root, { roots: [tree.root] })).toEqual(result);
  });

  it('lists paths under the source as given, relative sources resolved against the working directory', async () => {
    const path = tree.write('docs/a.txt', 'alpha');
    const result = await expandFileSource(relative(process.cwd(), join(tree.root, 'docs')), { roots: [tree.root] });
    expect(result.files).toEqual([path]);
  });

  it('skips hidden files and does not enter hidden directories, noting each', async () => {
    tree.write('.env', 'KEY=1');
    tree.write('.git/config', 'x');
    tree.write('.git/objects/ab/cd', 'x');
    const visible = tree.write('visible.txt', 'v');
    const result = await expandFileSource(tree.root, { roots: [tree.root] });
    expect(result.files).toEqual([visible]);
    expect(result.skipped).toEqual([
      { path: join(tree.root, '.env'), reason: 'hidden' },
      { path: join(tree.root, '.git'), reason: 'hidden' },
    ]);
    // A hidden file named directly is read like any other.
    expect((await expandFileSource(join(tree.root, '.env'), { roots: [tree.root] })).files).toEqual([join(tree.root, '.env')]);
  });

  it('includes symlinks to files inside the roots and never follows links out, noting every skipped link', async () => {
    const target = tree.write('real/b.txt', 'bravo');
    const inside = tree.link('a-link-in.txt', target);
    tree.link('b-link-out.txt', join(tree.outside, 'secret.txt'));
    tree.link('c-dir-out', tree.outside);
    tree.link('d-dir-in', join(tree.root, 'real'));
    tree.link('e-broken', join(tree.root, 'missing.txt'));
    const result = await expandFileSource(tree.root, { roots: [tree.root] });
    expect(result.files).toEqual([inside, target]);
    expect(result.skipped).toEqual([
      { path: join(tree.root, 'b-link-out.txt'), reason: 'symlink_outside_roots' },
      { path: join(tree.root, 'c-dir-out'), reason: 'symlink_outside_roots' },
      { path: join(tree.root, 'd-dir-in'), reason: 'symlink_to_directory' },
      { path: join(tree.root, 'e-broken'), reason: 'broken_symlink' },
    ]);
    expect(result.files.some((file) => file.startsWith(tree.outside))).toBe(false);
    // Every listed file reads back through readSourceFile.
    for (const file of result.files) expect(new TextDecoder().decode((await readSourceFile(file, { roots: [tree.root] })).bytes)).toBe('bravo');
  });

  it('notes FIFOs instead of listing them', async () => {
    const a = tree.write('a.txt', 'alpha');
    execFileSync('mkfifo', [join(tree.root, 'pipe')]);
    const result = await expandFileSource(tree.root, { roots: [tree.root] });
    expect(result.files).toEqual([a]);
    expect(result.skipped).toEqual([{ path: join(tree.root, 'pipe'), reason: 'not_a_regular_file' }]);
  });

  it('refuses a directory source outside the roots, by path, by .. or by a symlink', async () => {
    tree.link('dir-out', tree.outside);
    for (const path of [tree.outside, `${tree.root}/../outside`, join(tree.root, 'dir-out')]) {
      const error = await rejection(expandFileSource(path, { roots: [tree.root] }));
      expect(error.code).toBe('PATH_OUTSIDE_ROOTS');
    }
  });

  it('reports a missing source as FILE_NOT_FOUND and a FIFO source as NOT_A_FILE', async () => {
    expect((await rejection(expandFileSource(join(tree.root, 'nope'), { roots: [tree.root] }))).code).toBe('FILE_NOT_FOUND');
    const fifo = join(tree.root, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect((await rejection(expandFileSource(fifo, { roots: [tree.root] }))).code).toBe('NOT_A_FILE');
  });

  it('fails with TOO_MANY_FILES naming the cap instead of cutting the list, and takes exactly the cap', async () => {
    for (let i = 0; i < 5; i++) tree.write(`dir/f${i}.txt`, String(i));
    const error = await rejection(expandFileSource(join(tree.root, 'dir'), { roots: [tree.root], maxFiles: 4, field: 'sources[1].path' }));
    expect(error.code).toBe('TOO_MANY_FILES');
    expect(error.message).toContain('more than 4 files');
    expect(error.message).toContain('sources[1].path');
    expect(error.data).toMatchObject({ max_files: 4 });
    expect((await expandFileSource(join(tree.root, 'dir'), { roots: [tree.root], maxFiles: 5 })).files).toHaveLength(5);
  });

  it('applies the default cap of 1000 files', async () => {
    for (let i = 0; i < 1001; i++) tree.write(`many/f${String(i).padStart(4, '0')}.txt`, '');
    const error = await rejection(expandFileSource(join(tree.root, 'many'), { roots: [tree.root] }));
    expect(error).toMatchObject({ code: 'TOO_MANY_FILES', data: { max_files: 1000 } });
  });

  it('fails with TOO_DEEP naming the cap when entries nest deeper than maxDepth, and takes entries exactly at it', async () => {
    tree.write('d/1/2/3.txt', 'x');
    const atCap = await expandFileSource(join(tree.root, 'd'), { roots: [tree.root], maxDepth: 3 });
    expect(atCap.files).toEqual([join(tree.root, 'd/1/2/3.txt')]);
    const error = await rejection(expandFileSource(join(tree.root, 'd'), { roots: [tree.root], maxDepth: 2 }));
    expect(error.code).toBe('TOO_DEEP');
    expect(error.message).toContain('deeper than 2 levels');
    expect(error.data).toMatchObject({ max_depth: 2, at: join(tree.root, 'd/1/2') });
  });

  it('stops with CANCELLED when the signal has fired, and rejects bad options with INVALID_INPUT', async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(expandFileSource(tree.root, { roots: [tree.root], signal: controller.signal }))).code).toBe('CANCELLED');
    const bad = await rejection(expandFileSource(tree.root, { roots: [tree.root], maxFiles: 0 }));
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.message).toContain('maxFiles');
  });
});
