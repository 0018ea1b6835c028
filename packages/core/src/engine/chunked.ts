// Cuts a stream of items into arrays of a fixed size, lazily, so only one chunk is held at a time.

/** One chunk: its items and the index of the first one in the whole input. */
export interface Chunk<T> {
  readonly items: T[];
  readonly start: number;
}

/** Yields consecutive chunks of at most `size` items from an iterable or async iterable. */
export async function* chunked<T>(items: Iterable<T> | AsyncIterable<T>, size: number): AsyncGenerator<Chunk<T>> {
  let chunk: T[] = [];
  let start = 0;
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length >= size) {
      yield { items: chunk, start };
      start += chunk.length;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield { items: chunk, start };
}
