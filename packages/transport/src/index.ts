// The public surface of @contextframe/transport (filled in by its issue).
export const PACKAGE = '@contextframe/transport';
