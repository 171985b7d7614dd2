import { z } from 'zod';

/** A dev secret so that a fresh clone starts; start-up warns loudly whenever it is in use. */
export const DEV_JWT_SECRET = 'dev-only-secret-change-me-weighing-notes-0000';
export const DEV_REVIEW_LINK_SECRET = 'dev-only-review-link-secret-change-me-0000';

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const port = z.coerce.number().int().min(1).max(65535);

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** A duration such as `10d`, `36h`, `90s` or `500ms`, in milliseconds. */
const duration = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'must be a duration such as 10d, 36h, 90s or 500ms')
  .transform((value) => {
    const [, amount, unit] = value.match(/^([\d.]+)(ms|s|m|h|d)$/)!;
    return Math.round(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
  })
  .pipe(z.number().int().positive('must be longer than 0'));
const count = (min: number) => z.coerce.number().int().min(min);

/** Every variable of API.md, with the defaults it names. */
export const EnvSchema = z
  .object({
    DATABASE_URL: url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/weighing_notes'),
    TEMPORAL_ADDRESS: z
      .string()
      .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'must be host:port')
      .default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('weighing-notes'),
    SMTP_URL: url(['smtp:', 'smtps:']).default('smtp://127.0.0.1:1025'),
    MAIL_FROM: z.string().min(3).default('Weighing notes <no-reply@weighing-notes.invalid>'),
    PUBLIC_BASE_URL: url(['http:', 'https:']).default('http://127.0.0.1:3000'),
    PORT: port.default(3000),
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    AUTH_JWKS_URL: url(['http:', 'https:']).optional(),
    /** Signs the personal review links in emails; its own key, so a leaked link key cannot mint API tokens. */
    REVIEW_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_REVIEW_LINK_SECRET),
    REVIEW_LINK_TTL: duration.prefault('30d'),
    // The pipeline's design choices (DOMAIN.md), days in production and seconds in tests.
    DUE_TEAM_REVIEW: duration.prefault('5d'),
    DUE_LEGAL_REVIEW: duration.prefault('10d'),
    DUE_HEAD_OF_SERVICE: duration.prefault('5d'),
    DUE_MINISTER: duration.prefault('15d'),
    REMINDER_INTERVAL: duration.prefault('2d'),
    ESCALATE_AFTER_REMINDERS: count(0).default(3),
    ESCALATION_ROLE: z.enum(['head_of_service', 'team_lead', 'legal', 'minister']).default('head_of_service'),
    REVIEW_PERIOD: duration.prefault('730d'),
    REVIEW_REMINDER_LEAD: duration.prefault('60d'),
    QUORUM_DEFAULT: count(1).default(1),
    QUORUM_LEGAL_HIGH_RISK: count(1).default(2),
  })
  .transform((env) => ({
    ...env,
    // Neither verifier configured means development: fall back to the dev secret (and warn).
    AUTH_JWT_SECRET: env.AUTH_JWT_SECRET ?? (env.AUTH_JWKS_URL ? undefined : DEV_JWT_SECRET),
  }));

export type Config = z.output<typeof EnvSchema>;

export class ConfigError extends Error {}

/** Parses the environment; the error message is one line naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The secrets left at their built-in development values, to be warned about loudly. */
export function devSecretsInUse(config: Config): string[] {
  return [
    ...(config.AUTH_JWT_SECRET === DEV_JWT_SECRET ? ['AUTH_JWT_SECRET'] : []),
    ...(config.REVIEW_LINK_SECRET === DEV_REVIEW_LINK_SECRET ? ['REVIEW_LINK_SECRET'] : []),
  ];
}
