/** Types of bin/dist.js, for the tests that check when dist/ may run. */
export declare const root: string;
export declare const stampFile: string;
export declare function distIsFresh(options?: {
  readonly honourEnv?: boolean;
  readonly packageRoot?: string;
}): boolean;
