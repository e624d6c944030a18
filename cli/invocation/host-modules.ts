// Modules the running mc lends to the plugins it loads from disk, by bare name:
// `mc/plugin` (the plugin API) and `@huggingface/transformers`. A plugin then
// shares the host's classes (`instanceof ConfigurationError` holds across the
// boundary) and the host's model runtime (only one onnxruntime can live in a
// process), in the compiled binary (which has no node_modules) and under Bun alike.

import * as pluginApi from '../../core/plugin/api.ts'
import { dirname } from 'node:path'
import { isBundle, isCompiledBinary } from '../../core/process/compiled.ts'

let lent = false

export function lendHostModules(): void {
  if (lent) return
  lent = true
  Bun.plugin({
    name: 'mc host modules',
    setup(build) {
      build.module('mc/plugin', () => ({ exports: pluginApi, loader: 'object' }))
      // Imported on first use only: transformers.js takes ~100 ms to load.
      build.module('@huggingface/transformers', async () => ({ exports: await importTransformers(), loader: 'object' }))
    },
  })
}

/**
 * The host's own transformers.js. In the binary the literal import is bundled
 * (the virtual module above does not see it). Elsewhere it would come back to
 * the virtual module, so the package's file is imported by its path, resolved
 * from mc's own folder (a bundle learns that at run time: Bun.main).
 */
function importTransformers(): Promise<Record<string, unknown>> {
  if (isCompiledBinary()) return import('@huggingface/transformers')
  return import(Bun.resolveSync('@huggingface/transformers', isBundle() ? dirname(Bun.main) : import.meta.dir))
}
