// A local OpenAI-compatible chat-completions API: answers each <document id="..."> of the prompt with a title and tags.
import { type JsonApi, startJsonApi } from '@contextframe/test-support';

export type FakeChat = JsonApi;

/** Titles are `LLM title <n>` in order of appearance; tags are always ['llm']. */
export function startFakeChat(): Promise<FakeChat> {
  let titles = 0;
  return startJsonApi<{ messages: { content: string }[] }>((body) => {
    const prompt = body.messages.map((message) => message.content).join('\n');
    const ids = [...prompt.matchAll(/<document id="([^"]+)">/g)].map((match) => match[1]!);
    const documents = Object.fromEntries(ids.map((id) => [id, { title: `LLM title ${++titles}`, tags: ['llm'] }]));
    return {
      id: 'chatcmpl-e2e',
      object: 'chat.completion',
      model: 'fake',
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify({ documents }) }, finish_reason: 'stop' }],
    };
  });
}
