// What one task's run produced so far, by call path (run-scope.ts): each
// component run's result (with a hash of its input), and its decisions: each
// interrupt's answer and each choice made at random (random-router). Kept in
// the task store with an interrupted task, so that a resume in a process that
// does not hold the run (after a restart, or another instance) replays it: a
// journaled component run gives its result without running again — when it
// is asked with the same input, else it runs. Only plain JSON
// values are journaled: a stream, or bytes, run again on replay.

export interface JournalEntry {
  /** Hash of the run's input (JSON), or the decision's key for a decision. */
  input: string
  value: unknown
}

export class RunJournal {
  private readonly entries: Map<string, JournalEntry>

  constructor(entries: [string, JournalEntry][] = []) {
    this.entries = new Map(entries)
  }

  /** The result journaled at `path` for this input, if any. */
  replay(path: string, input: unknown): { value: unknown } | undefined {
    const entry = this.entries.get(path)
    if (!entry) return undefined
    const hash = inputHash(input)
    return hash !== undefined && entry.input === hash ? { value: structuredClone(entry.value) } : undefined
  }

  /** Journals a run's result, when its input and result are plain JSON. */
  record(path: string, input: unknown, value: unknown): void {
    const hash = inputHash(input)
    if (hash !== undefined && isPlainJson(value)) this.entries.set(path, { input: hash, value })
  }

  /** The decision journaled under `key` (an interrupt's answer, a random choice), if it was made. */
  decision(key: string): { value: unknown } | undefined {
    const entry = this.entries.get(key)
    return entry && entry.input === key ? { value: structuredClone(entry.value) } : undefined
  }

  decided(key: string, value: unknown): void {
    this.entries.set(key, { input: key, value })
  }

  toJSON(): [string, JournalEntry][] {
    return [...this.entries]
  }
}

function inputHash(input: unknown): string | undefined {
  if (!isPlainJson(input)) return undefined
  return Bun.hash(JSON.stringify(input ?? null)).toString(36)
}

/** Nulls, booleans, finite numbers, strings, and lists and plain objects of them (depth-bounded). */
function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 64) return false
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'string') return true
  if (typeof value === 'number') return Number.isFinite(value)
  if (Array.isArray(value)) return value.every((item) => isPlainJson(item, depth + 1))
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false
  return Object.values(value).every((item) => isPlainJson(item, depth + 1))
}
