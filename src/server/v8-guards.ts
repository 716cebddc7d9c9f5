/**
 * The process-wide guards against two V8 behaviours that slow a Node proxy down at random and
 * for the rest of its life: nextTick falling onto the runtime's slow path (tick-object-shape.ts)
 * and a per-request allocation site being pretenured (no-pretenuring.ts). The gateway applies
 * them at start-up; the benchmark's floor applies the same, so that neither side of a
 * comparison is slowed down by luck rather than by its code.
 */
import { disablePretenuring } from './no-pretenuring.ts';
import { keepTickObjectShape } from './tick-object-shape.ts';

/** Idempotent; cheap (one flag, one kept object). */
export function applyV8Guards(): void {
  // 3-10 % of a request's CPU once a full GC has met no tick object alive.
  keepTickObjectShape();
  // ~20 % of a request's CPU and ~80 MB of RSS once a per-request site is pretenured.
  disablePretenuring();
}
