/**
 * The vocabulary protocols speak to the outside world: effects as plain data. A protocol
 * machine's actions emit these (XState `emit`), and the actor that hosts the machine
 * carries them out through its services. Because they are data, a test can feed events
 * to a protocol and read what it would do, with no network and no clock.
 *
 * Times are microseconds (integers).
 */
export type ProtocolEffect =
  | { readonly type: 'send'; readonly to: string; readonly kind: string; readonly body: unknown }
  | { readonly type: 'publish'; readonly topic: string; readonly kind: string; readonly body: unknown }
  | { readonly type: 'sendAny'; readonly role: string; readonly kind: string; readonly body: unknown }
  | { readonly type: 'setTimer'; readonly name: string; readonly after: number; readonly data?: unknown }
  | { readonly type: 'cancelTimer'; readonly name: string }
  | { readonly type: 'persist'; readonly key: string; readonly value: unknown; readonly sync?: boolean }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string; readonly fields?: Record<string, unknown> }
  | { readonly type: 'count'; readonly metric: string; readonly by?: number }
  | { readonly type: 'gauge'; readonly metric: string; readonly value: number }
  | { readonly type: 'observe'; readonly metric: string; readonly value: number }
  /**
   * A fact about the protocol's decisions (a member's status changed, a block was
   * committed). Checkers of a simulation read these; a live node logs and records them,
   * which is also what replay compares.
   */
  | { readonly type: 'report'; readonly event: string; readonly data: unknown }

export type EffectOf<T extends ProtocolEffect['type']> = Extract<ProtocolEffect, { type: T }>
