// A span somebody observes: it keeps what it is told and tells the observers.

import { messageOf } from '../errors.ts'
import { currentObservers, type Observer } from './observers.ts'
import { nowMs, type AttributeValue, type Span, type SpanAttributes, type SpanEventName, type SpanKind, type SpanStatus } from './span.ts'

let lastId = 0

export class RecordingSpan implements Span {
  readonly id = ++lastId
  readonly recording = true
  readonly startedAt = nowMs()
  endedAt: number | undefined
  firstChunkAt: number | undefined
  status: SpanStatus | undefined
  error: string | undefined
  chunks = 0
  bytes = 0
  retries = 0

  constructor(
    readonly kind: SpanKind,
    readonly name: string,
    readonly attributes: SpanAttributes,
    readonly parent: Span | undefined,
  ) {
    tell((o) => o.onStart?.(this))
  }

  set(key: string, value: AttributeValue): void {
    this.attributes[key] = value
  }

  event(name: SpanEventName, attributes?: SpanAttributes): void {
    if (name === 'retry') this.retries++
    const event = attributes ? { name, at: nowMs(), attributes } : { name, at: nowMs() }
    tell((o) => o.onEvent?.(this, event))
  }

  chunk(data: string | number): void {
    this.bytes += typeof data === 'number' ? data : Buffer.byteLength(data)
    if (this.chunks++ === 0) {
      this.firstChunkAt = nowMs()
      this.event('first_chunk')
    }
  }

  end(status: SpanStatus = 'ok', error?: unknown): void {
    if (this.endedAt !== undefined) return
    this.endedAt = nowMs()
    this.status = status
    if (error !== undefined) this.error = messageOf(error)
    tell((o) => o.onEnd?.(this))
  }
}

function tell(call: (observer: Observer) => void): void {
  for (const observer of currentObservers()) {
    try {
      call(observer)
    } catch {
      // An observer's fault never fails the run (observers.ts).
    }
  }
}
