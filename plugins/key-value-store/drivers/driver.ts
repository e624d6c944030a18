// What each key-value driver does: the four methods over a list of keys, one
// result per key in the same order.

export interface KeyValueDriver {
  /** The value of each key, or null where there is none (or it expired). */
  get(keys: string[]): Promise<unknown[]>
  /** Stores each key's value; `ttlMs` (whole milliseconds) makes them expire. */
  set(entries: [key: string, value: unknown][], ttlMs: number | undefined): Promise<void>
  /** Deletes each key: true where a live key was there. */
  delete(keys: string[]): Promise<boolean[]>
  exists(keys: string[]): Promise<boolean[]>
  close(): Promise<void> | void
}
