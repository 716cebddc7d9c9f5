/**
 * Test support: a throw-away Google service account (a fresh RSA key pair) whose `token_uri`
 * points at a loopback token endpoint, so the Vertex AI OAuth flow runs without the network.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A generated service account. */
export interface TestServiceAccount {
  /** The service-account JSON as Google issues it (`type: service_account`). */
  readonly json: string;
  /** The public half, for the mock token endpoint to verify assertions with. */
  readonly publicKey: KeyObject;
}

/** A service account for `project` whose tokens are minted at `tokenUri`. */
export function createTestServiceAccount(
  tokenUri: string,
  project = 'my-project',
): TestServiceAccount {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const json = JSON.stringify({
    type: 'service_account',
    project_id: project,
    private_key_id: 'test-key-1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `switchyard-test@${project}.iam.gserviceaccount.com`,
    client_id: '100000000000000000001',
    token_uri: tokenUri,
  });
  return { json, publicKey };
}
