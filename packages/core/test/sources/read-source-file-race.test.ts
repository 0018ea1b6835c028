// The check-then-open race cannot be caused on demand, so realpath is mocked to answer as it would have just
// before a part of the path was swapped for a symlink; the open and the kernel's view of it stay real.
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSourceFile } from '../../src/index.js';
import { type FileTree, makeFileTree } from './file-tree.js';
import { rejection } from '../fixtures.js';

vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, realpath: vi.fn(actual.realpath) };
});

const actualRealpath = (await vi.importActual<typeof import('node:fs/promises')>('node:fs/promises')).realpath;

let tree: FileTree;

beforeEach(() => {
  tree = makeFileTree();
  tree.write(join(tree.outside, 'secret.txt'), 'top secret');
});

afterEach(() => {
  vi.mocked(realpath).mockImplementation(actualRealpath);
  tree.remove();
});

// realpath answers `lexical` for itself and anything below, as if it had no symlink in it.
function pretendNoSymlinkAt(lexical: string): void {
  vi.mocked(realpath).mockImplementation(async (path, options) => {
    const text = String(path);
    if (text === lexical || text.startsWith(`${lexical}/`)) return text;
    return actualRealpath(path, options);
  });
}

describe('readSourceFile against a path that changes between the check and the open', () => {
  it('refuses the opened file when a directory on the path became a symlink out after the check (realpath mocked to simulate the race)', async () => {
    const swapped = tree.link('swapped', tree.outside);
    pretendNoSymlinkAt(swapped);
    const error = await rejection(readSourceFile(join(swapped, 'secret.txt'), { roots: [tree.root] }));
    expect(error.code).toBe('PATH_OUTSIDE_ROOTS');
    expect(error.message).toContain('changed while it was being opened');
    expect(error.message).not.toContain('top secret');
  });

  it('refuses to open a last component that became a symlink after the check (realpath mocked to simulate the race)', async () => {
    const target = tree.write('inside.txt', 'fine');
    const link = tree.link('became-link.txt', target);
    pretendNoSymlinkAt(link);
    const error = await rejection(readSourceFile(link, { roots: [tree.root] }));
    expect(error).toMatchObject({ code: 'FILE_READ_FAILED', retryable: true });
    expect(error.data).toMatchObject({ cause_code: 'ELOOP' });
  });
});
