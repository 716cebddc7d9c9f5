import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { ChatCompletion, ChatCompletionChunk } from '../core/openai-types.ts';
import type { OpenAiErrorBody } from './mock-errors.ts';
import { fetchErrorCode, postJson, sseData } from './mock-test-helpers.ts';
import { type MockUpstream, startMockUpstream } from './mock-upstream.ts';

interface TextCompletion {
  object: string;
  model: string;
  choices: { text: string; finish_reason: string | null }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

interface EmbeddingList {
  object: string;
  model: string;
  data: { object: string; index: number; embedding: number[] | string }[];
}

interface ModelList {
  object: string;
  data: { id: string; object: string; owned_by: string }[];
}

const chatBody = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hello' }] };

function chunksOf(text: string): ChatCompletionChunk[] {
  return sseData(text)
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as ChatCompletionChunk);
}

void describe('mock upstream: OpenAI wire format', () => {
  let mock: MockUpstream;
  beforeEach(async () => {
    mock = await startMockUpstream();
  });
  afterEach(() => mock.close());

  void it('answers a chat completion with the request model and the reply', async () => {
    const response = await postJson(`${mock.baseUrl}/chat/completions`, chatBody);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /application\/json/);
    const body = (await response.json()) as ChatCompletion;
    assert.equal(body.object, 'chat.completion');
    assert.match(body.id, /^chatcmpl-/);
    assert.equal(typeof body.created, 'number');
    assert.equal(body.model, 'gpt-4o');
    assert.deepEqual(body.choices[0]?.message, { role: 'assistant', content: 'Hello from mock' });
    assert.equal(body.choices[0]?.finish_reason, 'stop');
    const usage = body.usage!;
    assert.ok(usage.prompt_tokens > 0 && usage.completion_tokens > 0);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
  });

  void it('answers chat on the path without /v1', async () => {
    const response = await postJson(`${mock.url}/chat/completions`, chatBody);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as ChatCompletion).object, 'chat.completion');
  });

  void it("answers Azure's deployment path, naming the deployment when the body has no model", async () => {
    const url = `${mock.url}/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21`;
    const response = await postJson(url, { messages: chatBody.messages });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as ChatCompletion).model, 'my-gpt');
  });

  void it('streams chat as SSE chunks: role first, content pieces, stop, then [DONE]', async () => {
    const response = await postJson(`${mock.baseUrl}/chat/completions`, {
      ...chatBody,
      stream: true,
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const text = await response.text();
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    const chunks = chunksOf(text);
    assert.ok(chunks.every((chunk) => chunk.object === 'chat.completion.chunk'));
    assert.ok(chunks.every((chunk) => chunk.model === 'gpt-4o' && chunk.id === chunks[0]?.id));
    assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
    const content = chunks
      .map((chunk) => chunk.choices[0]?.delta.content)
      .filter((piece): piece is string => typeof piece === 'string')
      .join('');
    assert.equal(content, 'Hello from mock');
    assert.ok(chunks.length >= 4, 'content arrives in several pieces');
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
    assert.equal(chunks.at(-1)?.usage, undefined);
  });

  void it('adds a usage chunk with empty choices when stream_options.include_usage is set', async () => {
    const response = await postJson(`${mock.baseUrl}/chat/completions`, {
      ...chatBody,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = chunksOf(await response.text());
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.equal(
      last.usage?.total_tokens,
      last.usage!.prompt_tokens + last.usage!.completion_tokens,
    );
    assert.ok(chunks.slice(0, -1).every((chunk) => chunk.usage === null));
  });

  void it('streams a long reply in at most four content pieces that join back to it', async () => {
    const reply = 'one two three four five six seven eight nine ten';
    mock.setReply(reply);
    const response = await postJson(`${mock.baseUrl}/chat/completions`, {
      ...chatBody,
      stream: true,
    });
    const pieces = chunksOf(await response.text())
      .map((chunk) => chunk.choices[0]?.delta.content)
      .filter((content): content is string => typeof content === 'string' && content !== '');
    assert.ok(pieces.length > 1 && pieces.length <= 4);
    assert.equal(pieces.join(''), reply);
  });

  void it('answers a text completion', async () => {
    const response = await postJson(`${mock.baseUrl}/completions`, {
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say hello',
    });
    const body = (await response.json()) as TextCompletion;
    assert.equal(body.object, 'text_completion');
    assert.equal(body.model, 'gpt-3.5-turbo-instruct');
    assert.equal(body.choices[0]?.text, 'Hello from mock');
    assert.equal(body.choices[0]?.finish_reason, 'stop');
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  void it('streams a text completion ending in [DONE]', async () => {
    const response = await postJson(`${mock.baseUrl}/completions`, {
      model: 'gpt-3.5-turbo-instruct',
      prompt: 'Say hello',
      stream: true,
    });
    const data = sseData(await response.text());
    assert.equal(data.at(-1), '[DONE]');
    const chunks = data.slice(0, -1).map((item) => JSON.parse(item) as TextCompletion);
    assert.equal(chunks.map((chunk) => chunk.choices[0]?.text).join(''), 'Hello from mock');
    assert.equal(chunks.at(-1)?.choices[0]?.finish_reason, 'stop');
  });

  void it('answers embeddings with one deterministic 8-dimension vector per input', async () => {
    const embed = async (): Promise<EmbeddingList> => {
      const body = { model: 'text-embedding-3-small', input: ['alpha', 'beta'] };
      return (await (await postJson(`${mock.baseUrl}/embeddings`, body)).json()) as EmbeddingList;
    };
    const first = await embed();
    assert.equal(first.object, 'list');
    assert.equal(first.model, 'text-embedding-3-small');
    assert.deepEqual(
      first.data.map((item) => [item.object, item.index]),
      [
        ['embedding', 0],
        ['embedding', 1],
      ],
    );
    const [alpha, beta] = first.data.map((item) => item.embedding as number[]);
    assert.equal(alpha?.length, 8);
    assert.notDeepEqual(alpha, beta);
    assert.deepEqual(await embed(), first);
  });

  void it('answers embeddings as base64 float32 when encoding_format is base64', async () => {
    const body = { model: 'e', input: 'alpha' };
    const floats = (await (
      await postJson(`${mock.baseUrl}/embeddings`, body)
    ).json()) as EmbeddingList;
    const packed = (await (
      await postJson(`${mock.baseUrl}/embeddings`, { ...body, encoding_format: 'base64' })
    ).json()) as EmbeddingList;
    const bytes = Buffer.from(packed.data[0]?.embedding as string, 'base64');
    const decoded = [...new Float32Array(bytes.buffer, bytes.byteOffset, 8)];
    const expected = floats.data[0]?.embedding as number[];
    decoded.forEach((value, i) => assert.ok(Math.abs(value - (expected[i] ?? NaN)) < 1e-6));
  });

  void it('rejects embeddings without a usable input with a 400', async () => {
    const response = await postJson(`${mock.baseUrl}/embeddings`, { model: 'e' });
    assert.equal(response.status, 400);
    assert.equal(((await response.json()) as OpenAiErrorBody).error.param, 'input');
  });

  void it('lists models', async () => {
    const response = await fetch(`${mock.baseUrl}/models`);
    const body = (await response.json()) as ModelList;
    assert.equal(body.object, 'list');
    assert.ok(body.data.some((model) => model.id === 'gpt-4o' && model.object === 'model'));
  });

  void it('answers malformed JSON with a 400 OpenAI error body', async () => {
    const response = await postJson(`${mock.baseUrl}/chat/completions`, '{"model": ');
    assert.equal(response.status, 400);
    const body = (await response.json()) as OpenAiErrorBody;
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /could not parse the JSON body/);
    assert.equal(body.error.code, null);
  });

  void it('answers an unknown path with a 404 OpenAI error body', async () => {
    const response = await postJson(`${mock.baseUrl}/nope`, {});
    assert.equal(response.status, 404);
    assert.equal(
      ((await response.json()) as OpenAiErrorBody).error.message,
      'Invalid URL (POST /v1/nope)',
    );
  });

  void it('tags every answer with its name in x-mock-upstream', async () => {
    const response = await fetch(`${mock.baseUrl}/models`);
    await response.body?.cancel();
    assert.equal(response.headers.get('x-mock-upstream'), 'mock');
  });

  void it('replies with setReply text from then on', async () => {
    mock.setReply('Changed');
    const body = (await (
      await postJson(`${mock.baseUrl}/chat/completions`, chatBody)
    ).json()) as ChatCompletion;
    assert.equal(body.choices[0]?.message.content, 'Changed');
  });

  void it('delays answers by setLatency', async () => {
    mock.setLatency(25);
    const started = performance.now();
    await (await postJson(`${mock.baseUrl}/chat/completions`, chatBody)).text();
    assert.ok(performance.now() - started >= 20);
  });
});

void describe('mock upstream: options', () => {
  let mock: MockUpstream | undefined;
  afterEach(() => mock?.close());

  void it('says hello in its own name by default', async () => {
    mock = await startMockUpstream({ name: 'azure-east' });
    const body = (await (
      await postJson(`${mock.baseUrl}/chat/completions`, chatBody)
    ).json()) as ChatCompletion;
    assert.equal(body.choices[0]?.message.content, 'Hello from azure-east');
  });

  void it('answers with the reply option', async () => {
    mock = await startMockUpstream({ reply: 'Custom reply' });
    const body = (await (
      await postJson(`${mock.baseUrl}/chat/completions`, chatBody)
    ).json()) as ChatCompletion;
    assert.equal(body.choices[0]?.message.content, 'Custom reply');
  });

  void it('exposes url, baseUrl and port of the loopback listener', async () => {
    mock = await startMockUpstream();
    assert.ok(mock.port > 0);
    assert.equal(mock.url, `http://127.0.0.1:${mock.port}`);
    assert.equal(mock.baseUrl, `${mock.url}/v1`);
  });
});

void describe('mock upstream: hits and captured requests', () => {
  let mock: MockUpstream;
  beforeEach(async () => {
    mock = await startMockUpstream();
  });
  afterEach(() => mock.close());

  void it('counts hits in total and by path', async () => {
    await (await postJson(`${mock.baseUrl}/chat/completions`, chatBody)).text();
    await (await postJson(`${mock.baseUrl}/chat/completions`, chatBody)).text();
    await (await fetch(`${mock.baseUrl}/models`)).text();
    assert.deepEqual(mock.hits(), {
      total: 3,
      byPath: { '/v1/chat/completions': 2, '/v1/models': 1 },
    });
  });

  void it('captures method, path, lower-case headers and the parsed body', async () => {
    await (
      await postJson(`${mock.baseUrl}/chat/completions`, chatBody, {
        headers: { Authorization: 'Bearer sk-test', 'X-Custom': 'yes' },
      })
    ).text();
    const [request] = mock.requests();
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/v1/chat/completions');
    assert.equal(request?.headers.authorization, 'Bearer sk-test');
    assert.equal(request?.headers['x-custom'], 'yes');
    assert.deepEqual(request?.body, chatBody);
  });

  void it('captures the query string in url but not in path', async () => {
    const url = `${mock.url}/openai/deployments/d1/chat/completions?api-version=2024-10-21`;
    await (await postJson(url, chatBody)).text();
    const [request] = mock.requests();
    assert.equal(request?.path, '/openai/deployments/d1/chat/completions');
    assert.equal(request?.url, '/openai/deployments/d1/chat/completions?api-version=2024-10-21');
  });

  void it('captures a malformed body as raw text', async () => {
    await (await postJson(`${mock.baseUrl}/chat/completions`, 'not json')).text();
    assert.equal(mock.requests()[0]?.body, 'not json');
  });

  void it('keeps only the last 100 requests, oldest first', async () => {
    for (let i = 0; i < 105; i++) {
      await (
        await postJson(`${mock.baseUrl}/chat/completions`, { ...chatBody, model: `m${i}` })
      ).text();
    }
    const requests = mock.requests();
    assert.equal(requests.length, 100);
    assert.deepEqual((requests[0]?.body as { model: string }).model, 'm5');
    assert.deepEqual((requests[99]?.body as { model: string }).model, 'm104');
    assert.equal(mock.hits().total, 105);
  });

  void it('reset clears counters and captures', async () => {
    await (await postJson(`${mock.baseUrl}/chat/completions`, chatBody)).text();
    mock.reset();
    assert.deepEqual(mock.hits(), { total: 0, byPath: {} });
    assert.deepEqual(mock.requests(), []);
  });
});

void describe('mock upstream: lifecycle', () => {
  let mock: MockUpstream;
  beforeEach(async () => {
    mock = await startMockUpstream();
  });
  afterEach(() => mock.close());

  void it('refuses connections with ECONNREFUSED after stop', async () => {
    await (await fetch(`${mock.baseUrl}/models`)).text();
    await mock.stop();
    assert.equal(await fetchErrorCode(fetch(`${mock.baseUrl}/models`)), 'ECONNREFUSED');
  });

  void it('serves again on the same port after start', async () => {
    const { port } = mock;
    await mock.stop();
    await mock.start();
    const response = await fetch(`${mock.baseUrl}/models`);
    assert.equal(response.status, 200);
    await response.text();
    assert.equal(mock.port, port);
  });

  void it('treats a second stop or start as a no-op', async () => {
    await mock.start();
    await mock.stop();
    await mock.stop();
    await mock.start();
    assert.equal((await fetch(`${mock.baseUrl}/models`)).status, 200);
  });

  void it('refuses connections for good after close', async () => {
    await mock.close();
    assert.equal(await fetchErrorCode(fetch(`${mock.baseUrl}/models`)), 'ECONNREFUSED');
    await assert.rejects(mock.start(), /closed/);
  });

  void it('rejects a second upstream on a port already in use', async () => {
    await assert.rejects(startMockUpstream({ port: mock.port }), /EADDRINUSE/);
  });
});
