import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DEV_PAYLOAD_KEYS, type PayloadKey, PayloadKeys } from '../codec/payload-keys';

/** A dev secret so that a fresh clone starts; start-up warns loudly whenever it is in use. */
export const DEV_JWT_SECRET = 'dev-only-secret-change-me-weighing-notes-0000';
export const DEV_REVIEW_LINK_SECRET = 'dev-only-review-link-secret-change-me-0000';
export const DEV_SESSION_SECRET = 'dev-only-session-secret-change-me-weighing-0000';
/** The `iss` and `aud` of the tokens `npm start` and `npm run tokens` mint. */
export const DEV_AUTH_ISSUER = 'weighing-notes-dev';
export const DEV_AUTH_AUDIENCE = 'weighing-notes-api';

const url = (protocols: string[]) =>
  z.string().refine((value) => {
    try {
      return protocols.includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

const port = z.coerce.number().int().min(1).max(65535);

const DEV_KEYS = PayloadKeys.parse(DEV_PAYLOAD_KEYS);
/** The development key, by its bytes: listed under any id, or set explicitly (as docker-compose does), it is still no secret. */
const usesDevPayloadKey = (keys: PayloadKey[]) => keys.some(({ key }) => DEV_KEYS.some((dev) => dev.key.equals(key)));

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
const origins = z
  .string()
  .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
  .pipe(z.array(url(['http:', 'https:']).refine((origin) => new URL(origin).origin === origin, 'each must be an origin, e.g. https://temporal.example')).min(1));

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
    /** How long the API waits on Temporal for one call (a start, an Update, a query) before answering 503. */
    TEMPORAL_CALL_TIMEOUT: duration.prefault('15s'),
    /**
     * Executions a worker keeps in memory between their tasks: its memory stays bounded however many
     * notes are open. Each holds some 0.1 MiB of heap, 0.2 MiB once it has validated an Update (its
     * request schemas; zod itself is shared); one not kept is replayed from its history when it wakes
     * (a decision then takes some 25–45 ms longer), which a note touched every few days would be anyway.
     */
    WORKER_CACHED_WORKFLOWS: count(1).default(100),
    /**
     * Whether a worker's workflow threads record a stack for every promise a workflow makes, which only
     * the stack trace query (the Temporal UI's "Stack Trace" tab) reads, at a cost the README's bench
     * section gives. The SDK has no option for it: its patch (patches/@temporalio+worker+*.patch) reads
     * the variable from the environment the worker hands its workflow threads (`runWorker`).
     */
    WORKFLOW_STACK_TRACES: z.enum(['on', 'off']).default('off'),
    /**
     * The workflow bundle the worker loads (`npm run build:workflows`), built from the same checkout;
     * without it the worker bundles the workflows itself as it starts, and keeps webpack's memory.
     */
    WORKFLOW_BUNDLE: z.string().min(1).refine(existsSync, 'must name a file: build it with npm run build:workflows').optional(),
    SMTP_URL: url(['smtp:', 'smtps:']).default('smtp://127.0.0.1:1025'),
    MAIL_FROM: z.string().min(3).default('Weighing notes <no-reply@weighing-notes.invalid>'),
    /** How long a message that keeps failing (SMTP down, a mailbox deferring it) is tried before it is marked failed. */
    MAIL_GIVE_UP_AFTER: duration.prefault('2d'),
    PUBLIC_BASE_URL: url(['http:', 'https:']).default('http://127.0.0.1:3000'),
    PORT: port.default(3000),
    /** Loopback unless told otherwise: the dev secrets must not face a network by accident. */
    HOST: z
      .string()
      .regex(/^[A-Za-z0-9.:-]+$/, 'must be a host name or an IP address')
      .default('127.0.0.1'),
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    /** The API's log: `info` has the access log; `npm start` runs it at `warn`. */
    LOG_LEVEL: z.enum(['info', 'warn', 'error']).default('info'),
    /** Addresses or CIDRs of reverse proxies whose X-Forwarded-For names the client (rate limits count clients). */
    TRUST_PROXY: z
      .string()
      .regex(/^[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*$/, 'must be IP addresses or CIDRs, comma-separated')
      .optional(),
    AUTH_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    AUTH_JWKS_URL: url(['http:', 'https:']).optional(),
    AUTH_ISSUER: z.string().min(1).default(DEV_AUTH_ISSUER),
    AUTH_AUDIENCE: z.string().min(1).default(DEV_AUTH_AUDIENCE),
    /** The longest a bearer token may live (`exp` − `iat`), however its issuer set it. */
    AUTH_TOKEN_MAX_LIFETIME: duration.prefault('12h'),
    /** Keys of the Temporal payload codec: the first encrypts, all decrypt. */
    PAYLOAD_KEYS: PayloadKeys.optional(),
    /** Origins of the Temporal UI, the only ones whose pages may call the codec endpoint. */
    TEMPORAL_UI_ORIGINS: origins.prefault('http://127.0.0.1:8233,http://localhost:8233'),
    /** Where people open the Temporal UI and the mail sink; the API's home page links them when known (`npm start` sets both). */
    TEMPORAL_UI_URL: url(['http:', 'https:']).optional(),
    MAIL_UI_URL: url(['http:', 'https:']).optional(),
    /** Signs the personal review links in emails; its own key, so a leaked link key cannot mint API tokens. */
    REVIEW_LINK_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_REVIEW_LINK_SECRET),
    REVIEW_LINK_TTL: duration.prefault('30d'),
    /** Seals the staff pages' session cookie (AES-256-GCM, a key derived from it). */
    SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').default(DEV_SESSION_SECRET),
    /** A staff session ends after this long without a request, and this long after signing in whatever happens. */
    SESSION_IDLE_TIMEOUT: duration.prefault('30m'),
    SESSION_MAX_AGE: duration.prefault('12h'),
    /** The identity provider staff sign in with (OpenID Connect, authorization code with PKCE); its client at that provider. */
    AUTH_OIDC_ISSUER: url(['http:', 'https:']).optional(),
    AUTH_OIDC_CLIENT_ID: z.string().min(1).optional(),
    AUTH_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
    // The pipeline's design choices (DOMAIN.md), days in production and seconds in tests.
    DUE_TEAM_REVIEW: duration.prefault('5d'),
    DUE_LEGAL_REVIEW: duration.prefault('10d'),
    DUE_HEAD_OF_SERVICE: duration.prefault('5d'),
    DUE_MINISTER: duration.prefault('15d'),
    REMINDER_INTERVAL: duration.prefault('2d'),
    ESCALATE_AFTER_REMINDERS: count(0).default(3),
    ESCALATION_ROLE: z.enum(['head_of_service', 'team_lead', 'legal', 'minister']).default('head_of_service'),
    /** The review cadence (SRM): how long an adopted note stands before its review, by overall risk; a priority-1 partner's at most the last. */
    REVIEW_CADENCE_HIGH: duration.prefault('365d'),
    REVIEW_CADENCE_MEDIUM: duration.prefault('730d'),
    REVIEW_CADENCE_LOW: duration.prefault('1095d'),
    REVIEW_CADENCE_PRIORITY_1_MAX: duration.prefault('730d'),
    REVIEW_REMINDER_LEAD: duration.prefault('60d'),
    /** How far ahead a note's own review date may lie (five years). */
    REVIEW_DATE_MAX: duration.prefault('1826d'),
    /** How long each condition of an adopted note has before it is due (then reminded and escalated as a stage is). */
    CONDITION_DUE: duration.prefault('90d'),
    QUORUM_DEFAULT: count(1).default(1),
    QUORUM_LEGAL_HIGH_RISK: count(1).default(2),
    // Consent requests (the third-party rule): the review stages' due times (reminders and escalation
    // as a note's), and once a request is sent, when the partner's answer is due, how often its drafter
    // is reminded after that, and how long after the due time the request lapses unanswered.
    CONSENT_DUE_LEGAL_REVIEW: duration.prefault('5d'),
    CONSENT_DUE_HEAD_OF_SERVICE: duration.prefault('3d'),
    CONSENT_ANSWER_DUE: duration.prefault('30d'),
    CONSENT_REMINDER_INTERVAL: duration.prefault('7d'),
    CONSENT_LAPSE_AFTER: duration.prefault('30d'),
  })
  .superRefine((env, ctx) => {
    // The identity provider and its client come together, or not at all.
    for (const name of ['AUTH_OIDC_CLIENT_ID', 'AUTH_OIDC_CLIENT_SECRET'] as const) {
      if (env.AUTH_OIDC_ISSUER && !env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'set it with AUTH_OIDC_ISSUER' });
      if (!env.AUTH_OIDC_ISSUER && env[name]) ctx.addIssue({ code: 'custom', path: ['AUTH_OIDC_ISSUER'], message: `set it with ${name}` });
    }
    if (env.NODE_ENV !== 'production') return;
    // Production runs on its own secrets and keys only: none is left to a built-in default.
    const refuse = (name: string, message: string) => ctx.addIssue({ code: 'custom', path: [name], message });
    if (!env.AUTH_JWT_SECRET && !env.AUTH_JWKS_URL) refuse('AUTH_JWKS_URL', 'set it (or AUTH_JWT_SECRET) when NODE_ENV=production');
    if (env.AUTH_JWT_SECRET === DEV_JWT_SECRET) refuse('AUTH_JWT_SECRET', 'the built-in development secret is refused when NODE_ENV=production');
    if (env.REVIEW_LINK_SECRET === DEV_REVIEW_LINK_SECRET) refuse('REVIEW_LINK_SECRET', 'set it when NODE_ENV=production');
    if (env.SESSION_SECRET === DEV_SESSION_SECRET) refuse('SESSION_SECRET', 'set it when NODE_ENV=production');
    if (!env.PAYLOAD_KEYS) refuse('PAYLOAD_KEYS', 'set it when NODE_ENV=production');
    else if (usesDevPayloadKey(env.PAYLOAD_KEYS)) refuse('PAYLOAD_KEYS', 'the built-in development key is refused when NODE_ENV=production');
    if (env.AUTH_ISSUER === DEV_AUTH_ISSUER) refuse('AUTH_ISSUER', 'set it when NODE_ENV=production');
    if (env.AUTH_AUDIENCE === DEV_AUTH_AUDIENCE) refuse('AUTH_AUDIENCE', 'set it when NODE_ENV=production');
  })
  .transform((env) => ({
    ...env,
    // Neither verifier configured means development: fall back to the dev secret (and warn).
    AUTH_JWT_SECRET: env.AUTH_JWT_SECRET ?? (env.AUTH_JWKS_URL ? undefined : DEV_JWT_SECRET),
    PAYLOAD_KEYS: env.PAYLOAD_KEYS ?? DEV_KEYS,
  }));

export type Config = z.output<typeof EnvSchema>;

export class ConfigError extends Error {}

/** Parses the environment; the error message is one line naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankAsUnset = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = EnvSchema.safeParse(blankAsUnset);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${String(issue.path[0])}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** The secrets left at their built-in development values, to be warned about loudly. */
export function devSecretsInUse(config: Config): string[] {
  return [
    ...(config.AUTH_JWT_SECRET === DEV_JWT_SECRET ? ['AUTH_JWT_SECRET'] : []),
    ...(config.REVIEW_LINK_SECRET === DEV_REVIEW_LINK_SECRET ? ['REVIEW_LINK_SECRET'] : []),
    ...(config.SESSION_SECRET === DEV_SESSION_SECRET ? ['SESSION_SECRET'] : []),
    ...(usesDevPayloadKey(config.PAYLOAD_KEYS) ? ['PAYLOAD_KEYS'] : []),
  ];
}
