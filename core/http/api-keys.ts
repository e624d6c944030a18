// The API keys a server accepts, each with a name (what logs, metrics and
// traces show: never the key) and its limits (key-limits.ts). Where they come
// from: api-keys-settings.ts.

import { createHash, timingSafeEqual } from 'node:crypto'
import { registerSecret } from '../secrets.ts'
import { KeyLimiter, type KeyLimits } from './key-limits.ts'

export interface NamedKey {
  name: string
  key: string
  limits: KeyLimits
}

const digest = (text: string) => createHash('sha256').update(text).digest()

/** A client that sent one of the keys: its name, its limits, and the key to forward for it (the Web UI does). */
export class KeyHolder {
  readonly limiter: KeyLimiter

  constructor(
    readonly name: string,
    private readonly key: string,
    limits: KeyLimits,
  ) {
    this.limiter = new KeyLimiter(name, limits)
  }

  /** The Authorization header that presents this key. */
  get authorization(): string {
    return `Bearer ${this.key}`
  }
}

export class ApiKeys {
  private readonly entries: { digest: Buffer; holder: KeyHolder }[]

  /** Where `keys` came from, for a client told it sent none: "the value of MC_API_KEY", "a key of MC_API_KEYS_FILE"... */
  constructor(
    keys: readonly NamedKey[],
    readonly source: string,
  ) {
    for (const { key } of keys) registerSecret(key)
    this.entries = keys.map(({ name, key, limits }) => ({ digest: digest(key), holder: new KeyHolder(name, key, limits) }))
  }

  /** Their names for a log line: "keys: alice, bob", the first ten of them. */
  describe(): string {
    const names = this.entries.slice(0, 10).map((e) => e.holder.name)
    return `keys: ${names.join(', ')}${this.entries.length > 10 ? `, and ${this.entries.length - 10} more` : ''}`
  }

  /** The holder of a key, or undefined. Every key is compared, in constant time (through digests), whichever matches. */
  identify(given: string): KeyHolder | undefined {
    const asked = digest(given)
    let found: KeyHolder | undefined
    for (const entry of this.entries) if (timingSafeEqual(asked, entry.digest)) found = entry.holder
    return found
  }
}
