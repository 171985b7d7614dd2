import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../codec/encryption-codec';
import type { PayloadKey } from '../codec/payload-keys';

const key = (id: string, fill: number): PayloadKey => ({ id, key: Buffer.alloc(32, fill) });
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const SECRET = { interest: 'Secret interest: the northern corridor sensors', forms: ['unevaluated_data_provision'] };

describe('the payload codec', () => {
  const plain: Payload = defaultPayloadConverter.toPayload(SECRET);

  it('encrypts a payload whole: not its data, not its encoding shows; the key id does', async () => {
    const [sealed] = await new EncryptionCodec([key('k1', 1)]).encode([plain]);
    expect(text(sealed!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe('k1');
    expect(text(sealed!.data)).not.toContain('northern corridor');
    expect(Object.values(sealed!.metadata!).map(text).join(' ')).not.toContain('json');
    const [opened] = await new EncryptionCodec([key('k1', 1)]).decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(SECRET);
  });

  it('gives the same value a different ciphertext each time', async () => {
    const codec = new EncryptionCodec([key('k1', 1)]);
    const [a, b] = await codec.encode([plain, plain]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('rotates: a new first key encrypts, the old one listed after it still decrypts what it sealed', async () => {
    const [old] = await new EncryptionCodec([key('k1', 1)]).encode([plain]);
    const rotated = new EncryptionCodec([key('k2', 2), key('k1', 1)]);
    const [fresh] = await rotated.encode([plain]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe('k2');
    const opened = await rotated.decode([old!, fresh!]);
    expect(opened.map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([SECRET, SECRET]);
    await expect(new EncryptionCodec([key('k2', 2)]).decode([old!])).rejects.toThrow(/key "k1", which PAYLOAD_KEYS does not list/);
  });

  it('refuses altered data, a relabelled key id, a wrong key under the same id and a truncated envelope', async () => {
    const codec = new EncryptionCodec([key('k1', 1), key('k0', 0)]);
    const [sealed] = await codec.encode([plain]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toThrow();
    await expect(codec.decode([{ ...sealed!, metadata: { ...sealed!.metadata, [KEY_ID_METADATA]: Buffer.from('k0') } }])).rejects.toThrow();
    await expect(new EncryptionCodec([key('k1', 9)]).decode([sealed!])).rejects.toThrow();
    await expect(codec.decode([{ ...sealed!, data: Buffer.from(sealed!.data!).subarray(0, 20) }])).rejects.toThrow(/truncated/);
  });

  it('passes a payload that was never encrypted through as it is (executions begun before the codec)', async () => {
    const [opened] = await new EncryptionCodec([key('k1', 1)]).decode([plain]);
    expect(opened).toBe(plain);
  });
});
