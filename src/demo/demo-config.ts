/**
 * The gateway config of the self-contained demo: the LiteLLM failover setup users know, with
 * both deployments pointed at loopback mock upstreams.
 */
import { compileConfig, loadConfigObject, type RouterPlan } from '../config/index.ts';

/** The group the client asks for. */
export const PRIMARY_MODEL = 'llama-fp8';
/** Where the gateway sends traffic while the primary is benched. */
export const FALLBACK_MODEL = 'llama3';
/** Mock upstreams accept any key; one is set so no provider default is looked up. */
const MOCK_KEY = 'sk-switchyard-demo';

export interface DemoConfigOptions {
  /** The primary mock's `api_base` (ends in `/v1`). */
  readonly primaryBase: string;
  /** The fallback mock's `api_base`. */
  readonly fallbackBase: string;
  /** `cooldown_time`, in seconds. */
  readonly cooldownSeconds: number;
}

/** The demo's config, as it would be written in a LiteLLM `config.yaml`. */
export function demoConfig(options: DemoConfigOptions): Record<string, unknown> {
  return {
    model_list: [
      {
        model_name: PRIMARY_MODEL,
        litellm_params: {
          model: `openai/${PRIMARY_MODEL}`,
          api_base: options.primaryBase,
          api_key: MOCK_KEY,
        },
      },
      {
        model_name: FALLBACK_MODEL,
        litellm_params: {
          model: `openai/${FALLBACK_MODEL}`,
          api_base: options.fallbackBase,
          api_key: MOCK_KEY,
        },
      },
    ],
    router_settings: {
      fallbacks: [{ [PRIMARY_MODEL]: [FALLBACK_MODEL] }],
      // Fail over at once rather than retrying a deployment that refuses connections.
      num_retries: 0,
      timeout: 10,
      // The second failure benches the primary; the bench lasts cooldown_time.
      allowed_fails: 1,
      cooldown_time: options.cooldownSeconds,
    },
  };
}

/**
 * The compiled plan. The environment is empty on purpose: the user's LITELLM_MASTER_KEY or
 * OPENAI_API_KEY must not change a demo that runs against mocks.
 */
export function demoPlan(options: DemoConfigOptions): RouterPlan {
  const env = {};
  return compileConfig(loadConfigObject(demoConfig(options), { env, source: 'demo' }), { env });
}
