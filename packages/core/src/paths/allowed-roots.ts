// File paths an operation may touch: only under the configured roots, judged after resolving symlinks.
import { realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { CoreError } from '../errors/core-error.js';

/** The roots a context allows: its own, or the working directory. */
export function allowedRootsOf(context: { readonly allowedRoots?: readonly string[] | undefined }): readonly string[] {
  return context.allowedRoots ?? [process.cwd()];
}

// The real path of `path`, or of its nearest existing ancestor with the missing tail appended, so a symlink
// anywhere along an existing prefix is followed before the path is judged.
async function realOrNearest(path: string): Promise<string> {
  let current = path;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(await realpath(current), ...tail.reverse());
    } catch {
      const parent = dirname(current);
      if (parent === current) return path;
      tail.push(basename(current));
      current = parent;
    }
  }
}

/** The real paths of `roots` (a missing root keeps its resolved path), to judge real paths against. */
export async function realRoots(roots: readonly string[]): Promise<string[]> {
  return Promise.all(roots.map((root) => realOrNearest(resolve(root))));
}

/** True when the real path `real` is one of `realRootPaths` or lies below one. */
export function isInsideRoots(real: string, realRootPaths: readonly string[]): boolean {
  return realRootPaths.some((root) => {
    const rel = relative(root, real);
    return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
  });
}

/** The PATH_OUTSIDE_ROOTS error for `path` given as `field`; `why` replaces the default explanation. */
export function outsideRootsError(path: string, roots: readonly string[], field: string, why = '(symlinks are followed)'): CoreError {
  return new CoreError(
    'PATH_OUTSIDE_ROOTS',
    `${field} "${path}" is outside the allowed roots (${roots.join(', ')}); use a path under one of them ${why}.`,
    { data: { field, path, allowed_roots: [...roots] } },
  );
}

/**
 * Resolves `path` (relative to the working directory) and checks it lies under one of `roots`; returns the
 * resolved path. Throws CoreError PATH_OUTSIDE_ROOTS otherwise, including when a symlink leads outside.
 */
export async function checkAllowedPath(path: string, roots: readonly string[], field: string): Promise<string> {
  const absolute = resolve(path);
  const real = await realOrNearest(absolute);
  if (!isInsideRoots(real, await realRoots(roots))) throw outsideRootsError(path, roots, field);
  return absolute;
}
