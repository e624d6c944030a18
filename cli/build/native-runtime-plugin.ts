// The Bun.build plugin that puts the local-model runtime inside the executable
// (a plain `bun build --compile` gives a binary whose model components fail):
//  1. `sharp` (native image library, cannot load from the executable) becomes a
//     module that throws "mc has no image support in this build";
//  2. transformers.js's node entry require()s onnxruntime-node through
//     createRequire, out of the bundler's sight: it becomes a static import;
//  3. onnxruntime-node's dist/binding.js require()s its addon from node_modules:
//     it gets a generated module instead, which embeds the target's addon and
//     onnxruntime library as files and loads them through onnxruntime-binding.ts.
// Every edit matches its text exactly (exact-patch.ts); one that never ran fails the build too.

import type { BunPlugin } from 'bun'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { patchExactly } from './exact-patch.ts'
import type { BuildTarget } from './target.ts'

const BINDING_MODULE = 'mc-native:onnxruntime-binding'

const PATCHES = [
  {
    file: /[\\/]@huggingface[\\/]transformers[\\/]dist[\\/]transformers\.node\.mjs$/,
    name: '@huggingface/transformers/dist/transformers.node.mjs',
    expected: 'var onnx_node_default = requireFromHere("onnxruntime-node");',
    replacement: 'import * as onnx_node_default from "onnxruntime-node";',
  },
  {
    file: /[\\/]onnxruntime-node[\\/]dist[\\/]binding\.js$/,
    name: 'onnxruntime-node/dist/binding.js',
    expected: 'require(`../bin/napi-v6/${process.platform}/${process.arch}/onnxruntime_binding.node`);',
    replacement: `require(${JSON.stringify(BINDING_MODULE)}).default;`,
  },
]

export interface NativeRuntimePlugin {
  plugin: BunPlugin
  /** After the build: the edits that never ran (their file was not bundled: a dependency changed). */
  unapplied(): string[]
}

export function nativeRuntimePlugin(root: string, target: BuildTarget): NativeRuntimePlugin {
  const applied = new Set<string>()
  const plugin: BunPlugin = {
    name: 'mc-native-runtime',
    setup(build) {
      build.onResolve({ filter: /^sharp$/ }, () => ({ path: join(import.meta.dir, 'no-image-support.ts') }))
      for (const patch of PATCHES) {
        build.onLoad({ filter: patch.file }, (args) => {
          const contents = patchExactly(patch.name, readFileSync(args.path, 'utf8'), patch.expected, patch.replacement)
          applied.add(patch.name)
          return { contents, loader: 'js' }
        })
      }
      build.onResolve({ filter: new RegExp(`^${BINDING_MODULE}$`) }, () => ({ path: BINDING_MODULE, namespace: 'mc-native' }))
      build.onLoad({ filter: /.*/, namespace: 'mc-native' }, () => ({ contents: bindingModule(root, target), loader: 'js' }))
    },
  }
  return { plugin, unapplied: () => PATCHES.filter((p) => !applied.has(p.name)).map((p) => `${p.name}: ${JSON.stringify(p.expected)}`) }
}

/** The module binding.js gets: the target's native files embedded, handed to the loader with their version and hash. */
function bindingModule(root: string, target: BuildTarget): string {
  const files = ['onnxruntime_binding.node', ...target.libraries].map((name) => ({ name, path: join(target.nativeDir, name) }))
  const hasher = new Bun.CryptoHasher('sha256')
  const sha256: Record<string, string> = {}
  for (const file of files) {
    const bytes = readFileSync(file.path)
    hasher.update(bytes)
    sha256[file.name] = new Bun.CryptoHasher('sha256').update(bytes).digest('hex')
  }
  const hash = hasher.digest('hex').slice(0, 12)
  const { version } = JSON.parse(readFileSync(join(root, 'node_modules/onnxruntime-node/package.json'), 'utf8')) as { version: string }
  const imports = files.map((file, i) => `import file${i} from ${JSON.stringify(file.path)} with { type: "file" };`)
  const libraries = files.slice(1).map((file, i) => `${JSON.stringify(file.name)}: file${i + 1}`)
  return [
    `import { loadOnnxruntimeBinding } from ${JSON.stringify(join(root, 'cli/build/onnxruntime-binding.ts'))};`,
    ...imports,
    `export default loadOnnxruntimeBinding({ version: ${JSON.stringify(version)}, hash: ${JSON.stringify(hash)}, addon: file0, libraries: { ${libraries.join(', ')} }, sha256: ${JSON.stringify(sha256)} });`,
  ].join('\n')
}
