import type { RouterPlan } from '../config/plan.ts';
import type { Deployment } from '../core/deployment.ts';
import type { GatewayRequestBody } from '../core/openai-types.ts';
import { safeUrl } from '../core/redact.ts';
import type { RouterEvents } from '../core/router-events.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { Provider } from '../providers/provider.ts';
import type { CooldownTracker } from '../resilience/cooldown.ts';
import type { StateStore } from '../state/state-store.ts';
import { wantsMock } from './request-settings.ts';
import { shareBenches } from './shared-benches.ts';
import type { SharedFailureCounts } from './shared-failure-counts.ts';

/** Where the router finds the provider for a deployment. */
export interface ProviderLookup {
  get(name: string): Provider | undefined;
  /** Releases connection pools; called by Router.close(). */
  close?(): Promise<void>;
}

/** Every deployment the config defines: the plan's and the wildcard groups' templates. */
export function configuredDeployments(plan: RouterPlan): Deployment[] {
  return [...plan.deployments.values(), ...plan.wildcards.flatMap((group) => group.deployments)];
}

/** Per-deployment facts the request path reads, computed once. */
export interface DeploymentLookups {
  /** api_base without credentials, for the response headers (a derived deployment: its template's). */
  readonly shownApiBase: (deployment: Deployment) => string | undefined;
  /** How many deployments the group (or wildcard pattern) `name` has; cooldown rules read it. */
  readonly groupSize: (name: string) => number;
}

export function deploymentLookups(plan: RouterPlan): DeploymentLookups {
  const shownApiBase = new Map(configuredDeployments(plan).map((d) => [d.id, safeUrl(d.apiBase)]));
  const groupSizes = new Map<string, number>([
    ...[...plan.groups].map(([name, group]) => [name, group.deployments.length] as const),
    ...plan.wildcards.map((group) => [group.pattern, group.deployments.length] as const),
  ]);
  return {
    shownApiBase: (deployment) => shownApiBase.get(deployment.derivedFrom ?? deployment.id),
    groupSize: (name) => groupSizes.get(name) ?? 1,
  };
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

/**
 * Resolves each deployment's provider once, so the request path does a single Map lookup, and
 * lets the provider prepare what it keeps per deployment (an OAuth client) at start-up.
 */
export function bindProviders(plan: RouterPlan, providers: ProviderLookup): Map<string, Provider> {
  const bound = new Map<string, Provider>();
  for (const deployment of configuredDeployments(plan)) {
    const name = deployment.mockResponse !== undefined ? 'mock' : deployment.provider;
    const provider = providers.get(name);
    if (!provider)
      throw new Error(
        `no provider "${name}" for deployment ${deployment.id} (${deployment.group})`,
      );
    provider.prepare?.(deployment);
    bound.set(deployment.id, provider);
  }
  return bound;
}

/**
 * The provider for an attempt: the mock when the body or the deployment asks for a mocked
 * answer (LiteLLM's `mock_response`), else the deployment's own, resolved once at start-up.
 */
export function providerResolver(
  plan: RouterPlan,
  providers: ProviderLookup,
): (deployment: Deployment, body: GatewayRequestBody) => Provider {
  const byDeployment = bindProviders(plan, providers);
  const mock = providers.get('mock');
  return (deployment, body) => {
    if (mock && wantsMock(body, deployment)) return mock;
    const provider = byDeployment.get(deployment.derivedFrom ?? deployment.id);
    if (!provider) {
      throw new GatewayError('GatewayInternalError', `no provider for deployment ${deployment.id}`);
    }
    return provider;
  };
}

/**
 * Connects the breaker to its observers and to the other instances. Local benches are
 * reported by the request that caused them (with its status); the tracker reports the lazy
 * recoveries, which no request owns; benches from other instances arrive through the store,
 * and so do the shared failure counts (`counts`), whose benches no request owns either.
 * Returns the function that disconnects it all.
 */
export function bridgeCooldowns(
  plan: RouterPlan,
  cooldown: CooldownTracker,
  events: RouterEvents,
  store: StateStore,
  counts?: SharedFailureCounts,
): () => void {
  const offRecoveries = cooldown.onEvent((event) => {
    const deployment = plan.deployments.get(event.deploymentId);
    if (!deployment || event.type === 'bench') return;
    const state = event.type === 'half-open' ? 'half-open' : 'healthy';
    events.emit('cooldown', { deployment, state, until: undefined, status: undefined });
  });
  const stopSharing = shareBenches(store, cooldown, (bench) => {
    const deployment = plan.deployments.get(bench.deploymentId);
    if (!deployment) return;
    events.emit('cooldown', {
      deployment,
      state: 'benched',
      until: bench.until,
      status: undefined,
    });
  });
  const stopReviews = counts?.watch(cooldown, (deployment, until) => {
    events.emit('cooldown', { deployment, state: 'benched', until, status: undefined });
  });
  return () => {
    offRecoveries();
    stopSharing();
    stopReviews?.();
  };
}
