// The public surface of @contextframe/io (filled in by its issue).
export const PACKAGE = '@contextframe/io';
