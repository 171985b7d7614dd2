import { devToken } from '../dev/dev-token';
import { SEED_PEOPLE } from '../dev/seed-data';
import { elapsedMs } from './figures';

export interface Answer<T = unknown> {
  status: number;
  body: T;
  /** From sending the request to its whole answer read. */
  ms: number;
}

/** The product's API over a real socket (fetch keeps connections alive), as a seeded person. */
export function productApi(baseUrl: string, secret: string) {
  const headers = new Map<string, Promise<Record<string, string>>>();
  const auth = (personId: string) => {
    if (!headers.has(personId)) {
      const person = SEED_PEOPLE.find((p) => p.id === personId);
      if (!person) throw new Error(`no seeded person ${personId}`);
      headers.set(personId, devToken(secret, person).then((token) => ({ authorization: `Bearer ${token}` })));
    }
    return headers.get(personId)!;
  };
  return async function call<T>(personId: string, method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const started = process.hrtime.bigint();
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...(await auth(personId)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const ms = elapsedMs(started);
    if (res.status >= 300) throw new Error(`${method} ${path} as ${personId}: ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, ms };
  };
}
export type ProductApi = ReturnType<typeof productApi>;
