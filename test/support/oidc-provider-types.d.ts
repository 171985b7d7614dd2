/**
 * The part of `oidc-provider` (v9, which ships no types) that the tests' identity provider uses.
 * See https://github.com/panva/node-oidc-provider/blob/main/docs/README.md.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  interface Account {
    accountId: string;
    claims(): Promise<{ sub: string } & Record<string, unknown>>;
  }

  interface ClientMetadata {
    client_id: string;
    client_secret: string;
    redirect_uris: string[];
  }

  interface Configuration {
    clients: ClientMetadata[];
    jwks: { keys: object[] };
    cookies: { keys: string[] };
    pkce: { required: () => boolean };
    /** Claims by the scope that releases them. */
    claims: Record<string, string[]>;
    features: { devInteractions: { enabled: boolean } };
    interactions: { url: (ctx: unknown, interaction: { uid: string }) => string };
    findAccount: (ctx: unknown, sub: string) => Promise<Account | undefined>;
    /** Lifetimes in seconds, by artifact (AccessToken, AuthorizationCode, IdToken, Interaction, Session, Grant). */
    ttl: Record<string, number>;
    renderError: (ctx: KoaContext, out: Record<string, string>) => Promise<void>;
  }

  /** Koa's context, as far as a middleware here reads and writes it. */
  interface KoaContext {
    method: string;
    path: string;
    req: IncomingMessage;
    res: ServerResponse;
    status: number;
    type: string;
    body: unknown;
    redirect(url: string): void;
  }

  export class Grant {
    constructor(init: { accountId: string; clientId: string });
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  }

  export class Provider {
    constructor(issuer: string, configuration: Configuration);
    Grant: typeof Grant;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<{ uid: string; params: Record<string, unknown> }>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: object, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
  }
  export default Provider;
}
