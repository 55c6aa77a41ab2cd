// The part of oidc-provider (v9, no bundled types) that the identity module uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface KoaContextLike {
    path: string;
    method: string;
    status: number;
    body: unknown;
    type: string;
    cookies: {
      get(name: string, opts?: { signed?: boolean }): string | undefined;
      set(name: string, value: string | null, opts?: Record<string, unknown>): void;
    };
    req: IncomingMessage;
    res: ServerResponse;
    secure?: boolean;
    set(name: string, value: string): void;
    oidc?: {
      params?: Record<string, unknown>;
      client?: {
        clientId: string;
        clientName?: string;
        postLogoutRedirectUris?: string[];
        metadata(): Record<string, unknown>;
      };
      body?: Record<string, unknown>;
      route?: string;
      session?: { accountId?: string };
    };
  }

  export interface InteractionDetails {
    uid: string;
    prompt: {
      name: string;
      reasons: string[];
      details: {
        missingOIDCScope?: string[];
        missingOIDCClaims?: string[];
        missingResourceScopes?: Record<string, string[]>;
      };
    };
    params: Record<string, unknown>;
    session?: { accountId?: string };
    grantId?: string;
  }

  export interface GrantInstance {
    addOIDCScope(scope: string): void;
    rejectOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface GrantClass {
    new (o: { accountId: string; clientId: string }): GrantInstance;
    find(id: string): Promise<GrantInstance | undefined>;
  }

  export interface AdapterPayload {
    [key: string]: unknown;
    grantId?: string;
    userCode?: string;
    uid?: string;
    consumed?: unknown;
  }

  export interface SessionInstance {
    accountId?: string;
    authorizations?: Record<string, { grantId?: string }>;
    destroy(): Promise<void>;
  }

  export interface ModelAdapterLike {
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    proxy: boolean;
    readonly Grant: GrantClass & { adapter: ModelAdapterLike };
    readonly AccessToken: { adapter: ModelAdapterLike };
    readonly Session: {
      get(ctx: { req: IncomingMessage; res: ServerResponse; secure?: boolean }): Promise<SessionInstance>;
    };
    readonly Interaction: { find(uid: string): Promise<{ params: Record<string, unknown> } | undefined> };
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(fn: (ctx: KoaContextLike, next: () => Promise<void>) => Promise<void>): void;
    on(event: string, fn: (...args: unknown[]) => void): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
  }
  export default Provider;
}
