// The platform a build is for: Bun's compile target (bun-linux-x64, ...) and the
// onnxruntime-node files of that platform, which the executable embeds.

import { existsSync } from 'node:fs'
import { join } from 'node:path'

export interface BuildTarget {
  /** Bun's name: bun-<os>-<arch>[-<variant>]. */
  bun: Bun.Build.CompileTarget
  /** onnxruntime-node's folder of the platform's native files. */
  nativeDir: string
  /** The addon's libraries (they must sit beside it): the CPU runtime only (DirectML, CUDA are loaded on demand). */
  libraries: string[]
}

const OS: Record<string, { node: string; libraries: string[] }> = {
  linux: { node: 'linux', libraries: ['libonnxruntime.so.1'] },
  darwin: { node: 'darwin', libraries: ['libonnxruntime.1.dylib'] },
  windows: { node: 'win32', libraries: ['onnxruntime.dll'] },
}
const ARCH: Record<string, string> = { x64: 'x64', arm64: 'arm64', aarch64: 'arm64' }

/** This machine's target. */
export function hostTarget(): string {
  return `bun-${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`
}

/** Fails (one line) on a target Bun or onnxruntime-node does not have. */
export function resolveTarget(name: string, root: string): BuildTarget {
  const [bun, os, arch] = name.split('-')
  const platform = OS[os ?? '']
  const cpu = ARCH[arch ?? '']
  if (bun !== 'bun' || !platform || !cpu) throw new Error(`unknown target "${name}" (targets look like bun-linux-x64, bun-linux-arm64, bun-darwin-arm64, bun-windows-x64)`)
  const nativeDir = join(root, 'node_modules/onnxruntime-node/bin/napi-v6', platform.node, cpu)
  const missing = existsSync(nativeDir) ? ['onnxruntime_binding.node', ...platform.libraries].map((file) => join(nativeDir, file)).filter((file) => !existsSync(file)) : [nativeDir]
  if (missing.length) throw new Error(`target ${name}: onnxruntime-node has no native files for ${platform.node}/${cpu} (no ${missing.join(', ')})`)
  return { bun: name as Bun.Build.CompileTarget, nativeDir, libraries: platform.libraries }
}
