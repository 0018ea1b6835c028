// Sends every progress event to several sinks, in order.
import type { ProgressSink } from './progress-sink.js';

/** A sink that forwards each event to every given sink. */
export function teeProgressSink(...sinks: readonly ProgressSink[]): ProgressSink {
  return {
    start: (event) => sinks.forEach((sink) => { sink.start(event); }),
    progress: (event) => sinks.forEach((sink) => { sink.progress(event); }),
    item: (event) => sinks.forEach((sink) => { sink.item(event); }),
    complete: (event) => sinks.forEach((sink) => { sink.complete(event); }),
  };
}
