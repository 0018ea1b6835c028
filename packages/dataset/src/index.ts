// The public surface of @contextframe/dataset.
export const PACKAGE = '@contextframe/dataset';
