/** The YAML speaks seconds (like LiteLLM); the plan speaks milliseconds. */

/** `seconds` in whole ms, or undefined when unset. */
export function toMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}
