/** Token counting for pre-call checks and usage accounting. */
export {
  countInputTokens,
  countTextTokens,
  inputTokenCeiling,
  preloadEncoding,
} from './count-tokens.ts';
export { knownContextWindow } from './context-windows.ts';
export { encodingFor, isExactFor } from './encodings.ts';
export type { EncodingName } from './encodings.ts';
