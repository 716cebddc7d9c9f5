/** Types of bin/heap-policy.js, for its tests. */
export declare const HEAP_GROWING_PERCENT: number;
export declare function heapPolicyFlag(execArgv?: readonly string[]): string | undefined;
export declare function applyHeapPolicy(): void;
