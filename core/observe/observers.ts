// Who watches spans: metrics (core/metrics/), traces (core/trace/). Each
// observer is told of every span's start, events and end, synchronously on
// the path that made them: it must be quick and must not throw (a throw is
// caught and dropped, so a broken observer never fails a run).

import type { Span, SpanEvent } from './span.ts'
import type { StoreWrite } from './store-writes.ts'

export interface Observer {
  onStart?(span: Span): void
  onEvent?(span: Span, event: SpanEvent): void
  onEnd?(span: Span): void
  /** A task-store write took `seconds` (store-writes.ts). */
  onStoreWrite?(operation: StoreWrite, seconds: number, ok: boolean): void
}

let observers: readonly Observer[] = []

let anyObserver = false

/** Whether anybody observes: without observers no span is made. */
export function observing(): boolean {
  return anyObserver
}

/** Adds an observer; returns the function that removes it. */
export function addObserver(observer: Observer): () => void {
  observers = [...observers, observer]
  anyObserver = true
  return () => {
    observers = observers.filter((o) => o !== observer)
    anyObserver = observers.length > 0
  }
}

/** The observers now (a fresh list on each change: safe to iterate while one is added). */
export function currentObservers(): readonly Observer[] {
  return observers
}
