import { describe, expect, it } from 'vitest';
import type { EnhanceRequest } from '../../src/index.js';
import { parseEnhanceAnswer, unfence } from '../../src/enhance/parse-enhance-answer.js';

const request = (enhancements: EnhanceRequest['enhancements']): EnhanceRequest => ({
  document: { uuid: 'u', title: null, content: 'c', tags: [], metadata: {}, collection: null },
  enhancements,
});

describe('unfence', () => {
  it('takes the body of a ```json fence, else the outermost braces, else the text', () => {
    expect(unfence('Sure!\n```json\n{"a": 1}\n```\nDone.')).toBe('{"a": 1}');
    expect(unfence('```\n{"a": 2}\n```')).toBe('{"a": 2}');
    expect(unfence('Answer: {"a": {"b": 3}} -- end')).toBe('{"a": {"b": 3}}');
    expect(unfence('  nothing  ')).toBe('nothing');
  });
});

describe('parseEnhanceAnswer', () => {
  it('reads {"documents": {id: fields}} and also the id map on its own', () => {
    const requests = [request(['title']), request(['tags'])];
    const wrapped = parseEnhanceAnswer('{"documents": {"d1": {"title": "A"}, "d2": {"tags": ["x"]}}}', requests, ['d1', 'd2']);
    const bare = parseEnhanceAnswer('{"d1": {"title": "A"}, "d2": {"tags": ["x"]}}', requests, ['d1', 'd2']);
    expect(wrapped).toEqual([
      { values: { title: 'A' }, errors: [] },
      { values: { tags: ['x'] }, errors: [] },
    ]);
    expect(bare).toEqual(wrapped);
  });

  it('ignores fields that were not requested and documents it does not know', () => {
    const [outcome] = parseEnhanceAnswer('{"documents": {"d1": {"title": "A", "context": "extra"}, "d9": {"title": "B"}}}', [request(['title'])], ['d1']);
    expect(outcome).toEqual({ values: { title: 'A' }, errors: [] });
  });

  it('fails every requested field when the reply has no documents object, with the note and what to do', () => {
    const outcomes = parseEnhanceAnswer('{"result": []}', [request(['title', 'context'])], ['d1'], 'The reply was cut off.');
    expect(outcomes[0]!.errors).toEqual([
      { enhancement: 'title', error: expect.stringMatching(/^title: the model's reply has no "documents" object .* The reply was cut off\. Call batch_enhance again/) },
      { enhancement: 'context', error: expect.stringContaining('context: the model') },
    ]);
  });

  it('fails a field whose value is invalid, naming the document', () => {
    const [outcome] = parseEnhanceAnswer('{"documents": {"d1": {"tags": "", "title": "Ok"}}}', [request(['title', 'tags'])], ['d1']);
    expect(outcome!.values).toEqual({ title: 'Ok' });
    expect(outcome!.errors).toEqual([{ enhancement: 'tags', error: expect.stringMatching(/^tags is empty in the model's reply for this document \(d1\)\./) }]);
  });
});
