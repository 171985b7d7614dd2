import { Client, type Connection } from '@temporalio/client';
import { encryptingDataConverter } from '../codec/data-converter';
import type { PayloadKey } from '../codec/payload-keys';

/** The product's Temporal client: every payload it sends is encrypted, every one it reads decrypted. */
export function createTemporalClient(connection: Connection, namespace: string, keys: PayloadKey[]): Client {
  return new Client({ connection, namespace, dataConverter: encryptingDataConverter(keys) });
}
