/**
 * ANSI colours for a terminal, and the same functions as no-ops for pipes and files, so the
 * renderer never asks which one it has.
 */

/** Wraps text in a colour; the plain style returns it unchanged. */
export type Paint = (text: string) => string;

export interface Style {
  readonly bold: Paint;
  readonly dim: Paint;
  readonly red: Paint;
  readonly green: Paint;
  readonly yellow: Paint;
  readonly cyan: Paint;
}

function sgr(open: number, close: number): Paint {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

const identity: Paint = (text) => text;

/** SGR codes (ECMA-48): each colour resets only itself, so paints nest. */
const COLOUR: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};

const PLAIN: Style = {
  bold: identity,
  dim: identity,
  red: identity,
  green: identity,
  yellow: identity,
  cyan: identity,
};

/** The colour style when `colour` is true, else the plain one. */
export function createStyle(colour: boolean): Style {
  return colour ? COLOUR : PLAIN;
}
