// A real file tree in a temp folder: `root` is the allowed root, `outside` sits next to it, and symlinks
// lead from one to the other.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface FileTree {
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  /** Writes `content` to `root/<relative>` (or an absolute path), creating folders; returns the path. */
  write(relative: string, content: string | Uint8Array): string;
  /** Creates a symlink at `root/<relative>` pointing to `target`; returns the link's path. */
  link(relative: string, target: string): string;
  remove(): void;
}

export function makeFileTree(): FileTree {
  // Real path of the temp folder, so expected real paths compare equal where /tmp is itself a link.
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'cf-sources-')));
  const root = join(base, 'root');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  const at = (path: string): string => (path.startsWith('/') ? path : join(root, path));
  return {
    base,
    root,
    outside,
    write(relative, content) {
      const path = at(relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
      return path;
    },
    link(relative, target) {
      const path = at(relative);
      mkdirSync(dirname(path), { recursive: true });
      symlinkSync(target, path);
      return path;
    },
    remove: () => rmSync(base, { recursive: true, force: true }),
  };
}
