/**
 * Which data area a deployment's `region_name` is in, for `allowed_model_region`. LiteLLM's
 * areas are `eu` and `us`; a deployment may say so directly (`region_name: eu`) or name its
 * cloud region, which is classified here: Azure (`westeurope`, `swedencentral`, `eastus2`), AWS
 * (`eu-west-1`, `us-east-1`), Google Cloud (`europe-west4`, `us-central1`), IBM (`eu-de`,
 * `us-south`). As in LiteLLM, `eu` is the European data zone: it includes the UK, Switzerland
 * and Norway, which are not EU members.
 */

/** The areas a request may ask for by name. */
export type RegionArea = 'eu' | 'us';

const AREA_RULES: readonly (readonly [RegExp, RegionArea])[] = [
  [/^eu$|^eu-|^europe-/, 'eu'],
  [/^us$|^us-/, 'us'],
  // Azure names have no dashes: a country or "europe" in the name, or a US compass name.
  [/^(north|west)europe$|^(sweden|switzerland|france|germany|norway|uk|italy|poland|spain)/, 'eu'],
  [/^(east|west|central|northcentral|southcentral|westcentral)us\d?$/, 'us'],
];

/** The area of `region` (any case), or undefined when it is not a region we can place. */
export function regionArea(region: string): RegionArea | undefined {
  const name = region.trim().toLowerCase();
  for (const [pattern, area] of AREA_RULES) if (pattern.test(name)) return area;
  return undefined;
}

/**
 * Whether a deployment in `deploymentRegion` satisfies a request restricted to `wanted` (lower
 * case): the same area (`eu` admits `westeurope`), or the very region named (`eu-west-1`
 * admits only `eu-west-1`). A deployment without a region never does: residency that cannot be
 * shown is not assumed.
 */
export function regionAllows(deploymentRegion: string | undefined, wanted: string): boolean {
  if (deploymentRegion === undefined) return false;
  return regionArea(deploymentRegion) === wanted || deploymentRegion.toLowerCase() === wanted;
}
