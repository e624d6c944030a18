// onnxruntime-node's addon inside the single executable. The build
// (native-runtime-plugin.ts) embeds the target's onnxruntime_binding.node and
// its onnxruntime library, and makes onnxruntime-node's dist/binding.js call
// this instead of require()-ing the addon from node_modules. Like
// no-image-support.ts, it runs in the executable, not at build time: reached
// only when transformers.js is imported, that is when a model component is used.

import { join } from 'node:path'
import { createLogger } from '../../core/log.ts'
import { withNativeFiles } from '../../core/process/native-cache.ts'

export interface EmbeddedOnnxruntime {
  /** onnxruntime-node's version. */
  version: string
  /** A short sha256 of the embedded files, taken at build time. */
  hash: string
  /** The addon: a path in the executable. */
  addon: string
  /** The libraries the addon links to, by file name (they must sit beside it). */
  libraries: Record<string, string>
  /** Each file's sha256 (hex), by file name, taken at build time. */
  sha256: Record<string, string>
}

const ADDON = 'onnxruntime_binding.node'

/** The embedded addon's exports, loaded from its files copied to (or found in) the native-file cache. */
export function loadOnnxruntimeBinding(embedded: EmbeddedOnnxruntime): unknown {
  const sources = [[ADDON, embedded.addon], ...Object.entries(embedded.libraries)]
  const files = sources.map(([name, source]) => ({ name: name!, source: source!, sha256: embedded.sha256[name!]! }))
  const native = { label: "onnxruntime's native files", folder: `onnxruntime-node-${embedded.version}-${embedded.hash}`, files }
  const load = (folder: string) => {
    const addon = { exports: {} }
    process.dlopen(addon, join(folder, ADDON))
    return addon.exports
  }
  return withNativeFiles(native, load, { env: process.env, execPath: process.execPath, log: createLogger('model') })
}
