import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './encryption-codec';
import type { PayloadKey } from './payload-keys';

/** Bundled into the workflow code as well, where failures are made. */
export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

/** The data converter of every Temporal client and worker of the product: payloads and failures encrypted. */
export function encryptingDataConverter(keys: PayloadKey[]): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
