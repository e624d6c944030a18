// How much of a streamed run's output its task keeps as `output`
// (MC_TASK_OUTPUT_BYTES): read the same way by the controller (a background
// run) and by a queue worker (a run it records); past it, `output_truncated`.

import { bytesSetting } from '../settings.ts'

const DEFAULT_TASK_OUTPUT_BYTES = 8 * 1024 * 1024

export function taskOutputBytesOf(env: Readonly<Record<string, string | undefined>>): number {
  return bytesSetting(env, 'MC_TASK_OUTPUT_BYTES', DEFAULT_TASK_OUTPUT_BYTES)
}
