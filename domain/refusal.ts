/**
 * Why a request is refused, independent of transport: the API maps each kind to a status and
 * the workflow carries it as the failure type of a rejected Update.
 */
export const REFUSAL_STATUS = {
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  incomplete: 422,
} as const;
export type RefusalKind = keyof typeof REFUSAL_STATUS;

export class Refusal extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export function isRefusalKind(value: unknown): value is RefusalKind {
  return typeof value === 'string' && Object.hasOwn(REFUSAL_STATUS, value);
}
