// The public surface of @contextframe/core (filled in by its issue).
export const PACKAGE = '@contextframe/core';
