/**
 * Switchyard as a library: the same engine as the HTTP proxy, in-process.
 *
 * ```ts
 * import { Router } from 'switchyard';
 * const router = new Router({ model_list: [{ model_name: 'gpt-4o', litellm_params: { model: 'openai/gpt-4o', api_key: process.env.OPENAI_API_KEY } }] });
 * const { body } = await router.chatCompletion({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
 * ```
 */
export { Router } from './router/router.ts';
export type { RouterOptions } from './router/router.ts';
export type { ProviderLookup } from './router/router-setup.ts';
export type {
  HealthEndpoint,
  HealthReport,
  RouteOptions,
  RouterEngine,
  RouterResult,
  RouterStream,
} from './router/types.ts';
export {
  ConfigError,
  compileConfig,
  loadConfigObject,
  loadPlan,
  parseConfig,
} from './config/index.ts';
export type { LoadedPlan, RouterPlan, RouterSettings, GeneralSettings } from './config/index.ts';
export { ERROR_TABLE, GatewayError } from './errors/index.ts';
export type { ErrorKind, ErrorPolicy } from './errors/index.ts';
export { startGateway } from './server/start-gateway.ts';
export type { Gateway, StartGatewayOptions } from './server/start-gateway.ts';
export type { CancelSignal } from './core/cancellation.ts';
export type { Clock } from './core/clock.ts';
export type { Deployment } from './core/deployment.ts';
export type * from './core/openai-types.ts';
export type { ResponseMeta } from './core/response-meta.ts';
