// Download progress for model files: one bar per file (bytes) on a terminal,
// a line per file otherwise. Fed by transformers.js's progress_callback.

import cliProgress from 'cli-progress'
import type { Logger } from '../../../core/plugin/api.ts'

interface ProgressEvent {
  status: string
  file?: string
  loaded?: number
  total?: number
}

const MB = 1024 * 1024

export function downloadProgress(model: string, log: Logger): { callback: (event: ProgressEvent) => void; stop: () => void } {
  const tty = process.stderr.isTTY === true
  const multibar = tty
    ? new cliProgress.MultiBar(
        { stream: process.stderr, format: `${model} | {file} [{bar}] {percentage}% {value_mb}/{total_mb} MB`, hideCursor: true, clearOnComplete: false },
        cliProgress.Presets.shades_grey,
      )
    : undefined
  const bars = new Map<string, cliProgress.SingleBar>()
  const announced = new Set<string>()
  return {
    callback(event) {
      const file = event.file
      if (!file || event.status !== 'progress' || !event.total) return
      if (!multibar) {
        if (!announced.has(file)) {
          announced.add(file)
          log.info(`downloading ${model}/${file} (${(event.total / MB).toFixed(1)} MB)`)
        }
        return
      }
      const payload = { file, value_mb: ((event.loaded ?? 0) / MB).toFixed(1), total_mb: (event.total / MB).toFixed(1) }
      let bar = bars.get(file)
      if (!bar) bars.set(file, (bar = multibar.create(event.total, event.loaded ?? 0, payload)))
      bar.update(event.loaded ?? 0, payload)
    },
    stop() {
      multibar?.stop()
    },
  }
}
