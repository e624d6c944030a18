// Pass 6a: the validated `controller:` → the ControllerModel: the HTTP server,
// its Web UI, and where its tasks live.

import { resolve } from 'node:path'
import type { ControllerModel, TaskStoreConfig } from './model.ts'
import type { Doc } from './normalize/doc.ts'
import { ControllerSchema } from './schema.ts'
import { validate } from './validate.ts'

export function buildController(doc: Doc, baseDir: string): ControllerModel {
  const raw = validate<Doc>(ControllerSchema, doc.controller ?? {}, doc, ['controller'])
  const origins = raw.origins ?? '*'
  const webui = raw.webui as Doc | undefined
  return {
    type: 'http-server',
    host: (raw.host as string) ?? '0.0.0.0',
    port: (raw.port as number) ?? 8080,
    basePath: normalizeBasePath((raw.base_path as string) ?? '/api'),
    origins: (Array.isArray(origins) ? origins : String(origins).split(',')).map((o) => o.trim()).filter(Boolean),
    maxConcurrentCount: (raw.max_concurrent_count as number) ?? 0,
    taskStore: taskStoreOf(raw.task_store as Doc | undefined, baseDir),
    ...(webui
      ? {
          webui: {
            driver: (webui.driver as 'gradio' | 'static') ?? 'gradio',
            host: (webui.host as string) ?? '0.0.0.0',
            port: (webui.port as number) ?? 8081,
            staticDir: (webui.static_dir as string) ?? 'webui',
          },
        }
      : {}),
  }
}

/** mc's `task_store:`; by default a SQLite file in `.mc/` beside the (first) compose file. */
function taskStoreOf(raw: Doc | undefined, baseDir: string): TaskStoreConfig {
  if (raw?.driver === 'redis') return { driver: 'redis', url: raw.url as string, prefix: (raw.prefix as string) ?? 'mc' }
  return { driver: 'sqlite', path: resolve(baseDir, (raw?.path as string) ?? '.mc/tasks.sqlite') }
}

function normalizeBasePath(path: string): string {
  const trimmed = path.trim().replace(/\/+$/, '')
  if (!trimmed) return ''
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`
}
