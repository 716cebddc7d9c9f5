import type { RouterPlan } from '../config/plan.ts';
import type { Provider } from '../providers/provider.ts';

/** Where the router finds the provider for a deployment. */
export interface ProviderLookup {
  get(name: string): Provider | undefined;
  /** Releases connection pools; called by Router.close(). */
  close?(): Promise<void>;
}

/** `enable_health_check_routing` needs the background checks whose results it reads. */
export function healthRoutingWarning(plan: RouterPlan): string | undefined {
  const { enableHealthCheckRouting, backgroundHealthChecks } = plan.general;
  return enableHealthCheckRouting && !backgroundHealthChecks
    ? 'general_settings.enable_health_check_routing has no effect without background_health_checks: true'
    : undefined;
}

export function isRouterPlan(config: unknown): config is RouterPlan {
  return (
    typeof config === 'object' && config !== null && (config as RouterPlan).groups instanceof Map
  );
}

/** Resolves each deployment's provider once, so the request path does a single Map lookup. */
export function bindProviders(plan: RouterPlan, providers: ProviderLookup): Map<string, Provider> {
  const bound = new Map<string, Provider>();
  for (const deployment of plan.deployments.values()) {
    const name = deployment.mockResponse !== undefined ? 'mock' : deployment.provider;
    const provider = providers.get(name);
    if (!provider)
      throw new Error(
        `no provider "${name}" for deployment ${deployment.id} (${deployment.group})`,
      );
    bound.set(deployment.id, provider);
  }
  return bound;
}
