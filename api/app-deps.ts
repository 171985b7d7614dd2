import type { Client } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { EncryptionCodec } from '../codec/encryption-codec';
import type { Config } from '../config/env';
import { consentPolicyFrom, policyFrom } from '../config/policy';
import type { Sql } from '../db/client';
import type { ConsentPolicy } from '../domain/consent';
import type { Policy } from '../domain/pipeline';
import { createTokenVerifier, type TokenVerifier } from './auth';
import type { ConsentService } from './consent-service';
import { consentWorkflows, type ConsentWorkflows } from './consent-workflow';
import type { NoteService } from './note-service';
import type { SessionPolicy } from './staff-session';
import type { OidcOptions } from './staff/oidc';
import { noteWorkflows, type NoteWorkflows } from './note-workflow';

export interface RateLimits {
  /** Requests to review links per client address and minute (pages and forms counted apart). */
  reviewPerMinute: number;
  /** Failed authentications per client address and minute before further attempts get 429. */
  failedAuthPerMinute: number;
}

/** What the routes are handed: real clients in production and in tests alike. */
export interface AppDeps {
  sql: Sql;
  temporal: Client;
  notes: NoteWorkflows;
  verify: TokenVerifier;
  /** The rules each new note's workflow is started with. */
  policy: Policy;
  consents: ConsentWorkflows;
  /** The rules each new consent request's workflow is started with. */
  consentPolicy: ConsentPolicy;
  /** How far ahead a note's review date may lie when it is submitted. */
  reviewDateMaxMs: number;
  /** How long one call to Temporal may take (TEMPORAL_CALL_TIMEOUT). */
  temporalCallTimeoutMs: number;
  /** Verifies the personal review links that the worker's mail carries. */
  reviewLinkSecret: string;
  /** The codec of the workers, run for operators by the codec endpoint. */
  payloadCodec: PayloadCodec;
  namespace: string;
  /** Origins of the Temporal UI: the only pages that may call the codec endpoint. */
  uiOrigins: string[];
  /** Where people reach the API (PUBLIC_BASE_URL); cookies are Secure when it is HTTPS. */
  publicBaseUrl: string;
  /** Where the home page sends people besides the API's own pages; each left out when unknown. */
  links: { temporalUi?: string; mailUi?: string };
  limits: RateLimits;
  /** The staff pages' sessions; the development sign-in list outside production only; the identity provider if configured. */
  staff: { session: SessionPolicy; developmentSignIn: boolean; oidc?: OidcOptions };
}

/** What routes and pages are handed: the dependencies, and the services built from them once. */
export interface RouteDeps extends AppDeps {
  noteService: NoteService;
  consentService: ConsentService;
}

export const RATE_LIMITS: RateLimits = { reviewPerMinute: 60, failedAuthPerMinute: 20 };

/** The routes' dependencies from the validated configuration and the clients built from it. */
export function appDeps(config: Config, sql: Sql, temporal: Client): AppDeps {
  return {
    sql,
    temporal,
    notes: noteWorkflows(temporal, config.TEMPORAL_TASK_QUEUE, config.TEMPORAL_CALL_TIMEOUT),
    verify: createTokenVerifier(config),
    policy: policyFrom(config),
    consents: consentWorkflows(temporal, config.TEMPORAL_TASK_QUEUE, config.TEMPORAL_CALL_TIMEOUT),
    consentPolicy: consentPolicyFrom(config),
    reviewDateMaxMs: config.REVIEW_DATE_MAX,
    temporalCallTimeoutMs: config.TEMPORAL_CALL_TIMEOUT,
    reviewLinkSecret: config.REVIEW_LINK_SECRET,
    payloadCodec: new EncryptionCodec(config.PAYLOAD_KEYS),
    namespace: config.TEMPORAL_NAMESPACE,
    uiOrigins: config.TEMPORAL_UI_ORIGINS,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    links: { temporalUi: config.TEMPORAL_UI_URL, mailUi: config.MAIL_UI_URL },
    limits: RATE_LIMITS,
    staff: {
      session: { secret: config.SESSION_SECRET, idleMs: config.SESSION_IDLE_TIMEOUT, maxAgeMs: config.SESSION_MAX_AGE, secure: config.PUBLIC_BASE_URL.startsWith('https:') },
      developmentSignIn: config.NODE_ENV !== 'production',
      // The configuration sets the issuer, client id and secret together or none of them.
      oidc: config.AUTH_OIDC_ISSUER ? { issuer: config.AUTH_OIDC_ISSUER, clientId: config.AUTH_OIDC_CLIENT_ID!, clientSecret: config.AUTH_OIDC_CLIENT_SECRET! } : undefined,
    },
  };
}
