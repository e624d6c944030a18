// The queue's limits, from the environment (core/README.md, "Settings"): how large a
// task message an entry point pushes, how many tasks may wait in one
// workflow's queue, and how many bytes one entry point has on the queue at once.

import { bytesSetting, countSetting } from '../../settings.ts'

type Env = Readonly<Record<string, string | undefined>>

export interface DispatchLimits {
  /** Bytes of one task message (JSON; binary inputs go to blob keys): past it, 413. */
  maxMessageBytes: number
  /** Tasks waiting in one workflow's queue list: past it, 503. */
  maxQueueLength: number
  /** Bytes of messages and binary inputs this entry point pushed and still waits on: past it, 503. */
  inFlightBytes: number
}

const DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024
const DEFAULT_MAX_QUEUE_LENGTH = 1000
/** Four request bodies of the largest size (16 MiB). */
const DEFAULT_IN_FLIGHT_BYTES = 64 * 1024 * 1024

export function dispatchLimitsOf(env: Env): DispatchLimits {
  return {
    maxMessageBytes: bytesSetting(env, 'MC_QUEUE_MAX_MESSAGE_BYTES', DEFAULT_MAX_MESSAGE_BYTES),
    maxQueueLength: countSetting(env, 'MC_QUEUE_MAX_LENGTH', DEFAULT_MAX_QUEUE_LENGTH),
    inFlightBytes: bytesSetting(env, 'MC_QUEUE_IN_FLIGHT_BYTES', DEFAULT_IN_FLIGHT_BYTES),
  }
}
