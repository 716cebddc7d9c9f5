/** Token counting for pre-call checks and usage accounting. */
export { countInputTokens, countTextTokens, preloadEncoding } from './count-tokens.ts';
export { encodingFor, isExactFor } from './encodings.ts';
export type { EncodingName } from './encodings.ts';
