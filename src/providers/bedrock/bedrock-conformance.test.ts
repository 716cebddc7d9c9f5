import { createHttpProvider } from '../http-provider.ts';
import {
  CONFORMANCE_TEXT,
  CONFORMANCE_TOOL_CALL,
  CONFORMANCE_USAGE,
  runProviderConformance,
  type WireAnswer,
} from '../testing/provider-conformance.ts';
import { encodeAwsEvent } from '../transport/aws-event-stream.ts';
import { createBedrockCodec } from './bedrock-codec.ts';
import { bedrockDeployment } from './fixtures/fixtures.ts';

const USAGE = {
  inputTokens: CONFORMANCE_USAGE.prompt_tokens,
  outputTokens: CONFORMANCE_USAGE.completion_tokens,
  totalTokens: CONFORMANCE_USAGE.total_tokens,
};

function converse(content: object[], stopReason: string): WireAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      output: { message: { role: 'assistant', content } },
      stopReason,
      usage: USAGE,
      metrics: { latencyMs: 5 },
    }),
  };
}

function error(status: number, type: string, message: string): WireAnswer {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`,
    },
    body: JSON.stringify({ message }),
  };
}

const event = (type: string, payload: object): Uint8Array => encodeAwsEvent({ type, payload });

runProviderConformance({
  name: 'bedrock',
  createProvider: (transport) => createHttpProvider(createBedrockCodec(), transport),
  deployment: (apiBase) => bedrockDeployment({ apiBase }),
  answer(scenario) {
    switch (scenario) {
      case 'text':
        return converse([{ text: CONFORMANCE_TEXT }], 'end_turn');
      case 'tool-call':
        return converse(
          [
            {
              toolUse: {
                toolUseId: 'tooluse_conformance',
                name: CONFORMANCE_TOOL_CALL.name,
                input: CONFORMANCE_TOOL_CALL.arguments,
              },
            },
          ],
          'tool_use',
        );
      case 'stream':
        return {
          status: 200,
          headers: { 'content-type': 'application/vnd.amazon.eventstream' },
          body: [
            event('messageStart', { role: 'assistant' }),
            event('contentBlockDelta', {
              contentBlockIndex: 0,
              delta: { text: CONFORMANCE_TEXT.slice(0, 5) },
            }),
            event('contentBlockDelta', {
              contentBlockIndex: 0,
              delta: { text: CONFORMANCE_TEXT.slice(5) },
            }),
            event('contentBlockStop', { contentBlockIndex: 0 }),
            event('messageStop', { stopReason: 'end_turn' }),
            event('metadata', { usage: USAGE, metrics: { latencyMs: 5 } }),
          ],
        };
      case 'rate-limit':
        return error(
          429,
          'ThrottlingException',
          'Too many requests, please wait before trying again.',
        );
      case 'overloaded':
        return error(
          503,
          'ServiceUnavailableException',
          'Bedrock is unable to process your request.',
        );
      case 'context-window':
        return error(400, 'ValidationException', 'Input is too long for requested model.');
      case 'auth':
        return error(
          403,
          'UnrecognizedClientException',
          'The security token included in the request is invalid.',
        );
    }
  },
});
