// `driver: memory`: a map in mc's process, gone when mc stops. Values are kept
// as JSON text, so what is read back is exactly what was set (model-compose
// keeps the object itself) and their total size can be bounded: past
// `maxBytes` (MC_KV_MEMORY_MAX_BYTES), a set that would grow the store is
// refused rather than letting hostile input exhaust memory. Expired entries
// are dropped when read, and swept on a set once the store is over half full.

import { invalidInput, toText } from '../../../core/plugin/api.ts'
import type { KeyValueDriver } from './driver.ts'

interface Entry {
  json: string
  expiresAt: number | undefined
}

export class MemoryDriver implements KeyValueDriver {
  private readonly entries = new Map<string, Entry>()
  private bytes = 0

  constructor(private readonly maxBytes: number) {}

  async get(keys: string[]): Promise<unknown[]> {
    return keys.map((key) => {
      const entry = this.live(key)
      return entry === undefined ? null : JSON.parse(entry.json)
    })
  }

  async set(pairs: [string, unknown][], ttlMs: number | undefined): Promise<void> {
    const expiresAt = ttlMs === undefined ? undefined : Date.now() + ttlMs
    const prepared = pairs.map(([key, value]) => ({ key, json: JSON.stringify(value instanceof Uint8Array ? toText(value) : (value ?? null)) }))
    if (this.bytes > this.maxBytes / 2) this.sweep()
    let growth = 0
    for (const { key, json } of prepared) growth += sizeOf(key, json) - (this.entries.has(key) ? sizeOf(key, this.entries.get(key)!.json) : 0)
    if (growth > 0 && this.bytes + growth > this.maxBytes) {
      throw invalidInput(`the memory key-value store is full (${this.bytes} of ${this.maxBytes} bytes): raise MC_KV_MEMORY_MAX_BYTES, delete keys, or use driver sqlite or redis`)
    }
    for (const { key, json } of prepared) {
      this.remove(key)
      this.entries.set(key, { json, expiresAt })
      this.bytes += sizeOf(key, json)
    }
  }

  async delete(keys: string[]): Promise<boolean[]> {
    return keys.map((key) => {
      const live = this.live(key) !== undefined
      this.remove(key)
      return live
    })
  }

  async exists(keys: string[]): Promise<boolean[]> {
    return keys.map((key) => this.live(key) !== undefined)
  }

  close(): void {
    this.entries.clear()
    this.bytes = 0
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry?.expiresAt !== undefined && Date.now() >= entry.expiresAt) {
      this.remove(key)
      return undefined
    }
    return entry
  }

  private remove(key: string): void {
    const entry = this.entries.get(key)
    if (entry === undefined) return
    this.bytes -= sizeOf(key, entry.json)
    this.entries.delete(key)
  }

  private sweep(): void {
    for (const key of [...this.entries.keys()]) this.live(key)
  }
}

/** Bytes one entry holds, about: its key and JSON as UTF-16. */
const sizeOf = (key: string, json: string) => 2 * (key.length + json.length)
