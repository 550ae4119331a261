// Type declarations of heliograph.js, the browser client of the Heliograph gateway (protocol v1).

/** Connection states, for a connection indicator. */
export type ConnectionState = 'connecting' | 'open' | 'fallback' | 'closed';

export declare const State: Readonly<{
  CONNECTING: 'connecting';
  OPEN: 'open';
  FALLBACK: 'fallback';
  CLOSED: 'closed';
}>;

/** WebSocket close codes of the protocol. 4001 and 4003 are terminal: the client does not reconnect. */
export declare const CloseCode: Readonly<{
  NORMAL: 1000;
  GOING_AWAY: 1001;
  POLICY: 1008;
  TOO_BIG: 1009;
  INTERNAL: 1011;
  SERVICE_RESTART: 1012;
  UNAUTHORIZED: 4001;
  FORBIDDEN_ORIGIN: 4003;
  RATE_LIMITED: 4008;
  SLOW_CONSUMER: 4009;
}>;

/** Error codes sent by the gateway, plus the client's own (`disconnected`, `timeout`, `closed`, `dead_link`, `listener`). */
export type ErrorCode =
  | 'bad_request' | 'unknown_op' | 'invalid_channel' | 'forbidden' | 'unauthorized' | 'rate_limited'
  | 'too_large' | 'not_subscribed' | 'too_many_subscriptions' | 'unavailable' | 'internal'
  | 'disconnected' | 'timeout' | 'closed' | 'dead_link' | 'listener' | (string & {});

export declare class HeliographError extends Error {
  constructor(code: ErrorCode, message?: string);
  readonly code: ErrorCode;
}

/** A CloudEvents 1.0 structured-mode envelope. */
export interface CloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time?: string;
  subject?: string;
  datacontenttype?: string;
  data: T;
}

/** A position in a channel: the epoch of its offset sequence and an offset in it. */
export interface Position {
  /** Empty (with offset 0) for a channel never published; its first event brings the epoch. */
  epoch: string;
  offset: number;
}

/** An `event` frame as written by the publish script. */
export interface EventFrame<T = unknown> extends Position {
  op: 'event';
  channel: string;
  event: CloudEvent<T>;
}

export interface EventMeta extends Position {
  channel: string;
  /** True for the channel's snapshot delivered on (re)subscribe without recovery. */
  snapshot: boolean;
}

export interface SubscribedInfo extends Position {
  channel: string;
  /** False when missed events could not be replayed (first subscribe, epoch change, outage longer than the history). */
  recovered: boolean;
}

export interface PresenceClient {
  session: string;
  user?: string | null;
  [key: string]: unknown;
}

export interface PresenceChange {
  channel: string;
  client: PresenceClient;
}

export interface SubscribeOptions {
  /** Start after this position (events after it are replayed when the history still has them). */
  since?: Position;
  /** Called on every `subscribed` reply (first subscribe and each resubscribe). */
  onSubscribed?(info: SubscribedInfo): void;
  onJoin?(change: PresenceChange): void;
  onLeave?(change: PresenceChange): void;
  /** The subscribe command was refused (e.g. `forbidden`, `too_many_subscriptions`). */
  onError?(error: HeliographError): void;
}

export interface Subscription {
  readonly channel: string;
  /** Stops this handler; the server subscription ends with the channel's last handler. Idempotent. */
  unsubscribe(): void;
}

export interface StateChange {
  state: ConnectionState;
  previous: ConnectionState;
  transport: 'ws' | 'sse';
  /** The gateway node from `welcome.node`. */
  node: string | null;
  session: string | null;
  /** True when connecting again after having been open. */
  reconnecting: boolean;
  code?: number;
  reason?: string;
  returnedFromFallback?: boolean;
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  code?: number;
  reason?: string;
  transport: 'ws' | 'sse';
  /** True when this failure switched the client to the SSE fallback. */
  fallback: boolean;
}

export interface ClientEvents {
  state: StateChange;
  welcome: { session: string | null; node: string | null; protocol: number; heartbeatMs: number };
  join: PresenceChange;
  leave: PresenceChange;
  error: { code: ErrorCode; message: string; channel?: string; error?: unknown };
  retry: RetryInfo;
  authed: { expiresAt?: string };
}

export interface BackoffOptions {
  /** First window, ms (default 500). */
  base?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Largest window, ms (default 30000). */
  cap?: number;
  random?: () => number;
}

export interface HeliographOptions {
  /** WebSocket URL; default `ws(s)://<page host>/ws`. */
  url?: string;
  /** HTTP origin for the SSE fallback; default derived from `url`. */
  httpUrl?: string;
  /** A JWT sent as `access_token`. */
  token?: string | null;
  /** Called before each connect and before the token expires (refreshed in band with the `auth` op). */
  getToken?: () => string | Promise<string>;
  /** Optional WebSocket subprotocols, e.g. `['heliograph.v1']`. */
  protocols?: string | string[];
  /** Connect in the constructor (default true). */
  autoConnect?: boolean;
  /** Fall back to SSE after failed WebSocket attempts (default true). */
  fallback?: boolean;
  /** Failed WebSocket attempts in a row before the fallback (default 3). */
  maxWsFailures?: number;
  /** A connection that lived this long resets the backoff (default 10000 ms). */
  resetAfterMs?: number;
  /** Replies not received within this time reject with `timeout` (default 10000 ms). */
  commandTimeoutMs?: number;
  /** Refresh the token this long before it expires (default 30000 ms). */
  tokenRefreshMarginMs?: number;
  /** Ping interval until the gateway's `welcome` says otherwise (default 25000 ms). */
  heartbeatMs?: number;
  backoff?: BackoffOptions;
  // Injection points for tests and non-browser runtimes.
  WebSocket?: typeof WebSocket;
  fetch?: typeof fetch;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  now?: () => number;
  random?: () => number;
}

export declare class Heliograph {
  constructor(options?: HeliographOptions);
  readonly url: string;
  readonly httpUrl: string;
  readonly state: ConnectionState;
  readonly transport: 'ws' | 'sse';
  /** The gateway node this client is connected to (from `welcome.node`). */
  readonly node: string | null;
  readonly session: string | null;
  readonly stats: { received: number; duplicatesDropped: number; reconnects: number };
  on<K extends keyof ClientEvents>(type: K, listener: (payload: ClientEvents[K]) => void): () => void;
  connect(): this;
  close(): void;
  position(channel: string): Position | undefined;
  subscribe<T = unknown>(channel: string, onEvent: (event: CloudEvent<T>, meta: EventMeta) => void, options?: SubscribeOptions): Subscription;
  publish(channel: string, type: string, data: unknown): Promise<{ channel: string } & Position>;
  presence(channel: string): Promise<{ channel: string; count: number; clients: PresenceClient[] }>;
  history(channel: string, options?: { limit?: number }): Promise<{ channel: string; events: EventFrame[] } & Position>;
}
export default Heliograph;

export declare function isValidChannel(name: string): boolean;
export declare function tokenExpiry(token: string): number | null;
export declare function httpBaseOf(wsUrl: string): string;
export declare function formatEventId(entries: Iterable<[string, Position]>): string;
export declare function parseEventId(id: string): Map<string, Position>;

export declare class Backoff {
  constructor(options?: BackoffOptions);
  attempt: number;
  ceiling(attempt?: number): number;
  next(): number;
  reset(): void;
}

export declare class Positions {
  get(channel: string): Position | undefined;
  set(channel: string, epoch: string, offset: number): void;
  delete(channel: string): void;
  has(channel: string): boolean;
  accept(channel: string, epoch: string, offset: number): boolean;
  toEventId(channels: Iterable<string>): string;
}

export declare class TransportPolicy {
  constructor(options?: { maxFailures?: number; fallbackEnabled?: boolean });
  readonly mode: 'ws' | 'sse';
  readonly failures: number;
  wsFailed(): boolean;
  wsOpened(): boolean;
}

export declare class SseParser {
  constructor(onEvent: (e: { id: string | null; event: string; data: string; retry?: number }) => void);
  lastEventId: string | null;
  push(chunk: string): void;
}
