import type { Client } from '@temporalio/client';
import type { Sql } from '../db/client';
import type { Policy } from '../domain/pipeline';
import type { TokenVerifier } from './auth';
import type { NoteWorkflows } from './note-workflow';

/** What the routes are handed: real clients in production and in tests alike. */
export interface AppDeps {
  sql: Sql;
  temporal: Client;
  notes: NoteWorkflows;
  verify: TokenVerifier;
  /** The rules each new note's workflow is started with. */
  policy: Policy;
  /** Verifies the personal review links that the worker's mail carries. */
  reviewLinkSecret: string;
}
