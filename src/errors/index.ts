export { ERROR_TABLE, kindForStatus } from './error-table.ts';
export type { ErrorKind, ErrorPolicy, FallbackKind } from './error-table.ts';
export { GatewayError, toGatewayError } from './gateway-error.ts';
export type { GatewayErrorOptions } from './gateway-error.ts';
export { noDeploymentsError, unknownModelError } from './common-errors.ts';
