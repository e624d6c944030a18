// core/process/native-cache.ts in a process of its own, as the executable uses
// it, on a small set of native files that test/process/native-cache.test.ts compiles:
//   bun test/support/native-cache-child.ts '{"folder": ..., "files": [...], "entry": ..., "execPath": ...}'
// The cache folders come from this process's environment (MC_NATIVE_DIR, HOME,
// XDG_CACHE_HOME, TMPDIR). `entry` is loaded from the folder withNativeFiles
// gives, by the system's loader (bun:ffi dlopen, which follows its RUNPATH to the
// other files), and its answer() printed with the folder as JSON. Warnings go to
// stderr as "warning: ..."; a failure is "error: ..." and exit code 1.

import { dlopen } from 'bun:ffi'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { withNativeFiles, type NativeFile } from '../../core/process/native-cache.ts'

interface ChildConfig {
  folder: string
  files: Omit<NativeFile, 'sha256'>[]
  entry: string
  execPath: string
}

const config = JSON.parse(process.argv[2]!) as ChildConfig
// As the build does: each embedded file's sha256, taken from the bytes that would be embedded.
const files = config.files.map((file) => ({ ...file, sha256: new Bun.CryptoHasher('sha256').update(readFileSync(file.source)).digest('hex') }))
const log = { warn: (message: string) => console.error(`warning: ${message}`), debug: () => {} }
try {
  const loaded = withNativeFiles(
    { label: 'the test files', folder: config.folder, files },
    (folder) => ({ folder, answer: dlopen(join(folder, config.entry), { answer: { returns: 'int', args: [] } }).symbols.answer() }),
    { env: process.env, execPath: config.execPath, log },
  )
  console.log(JSON.stringify(loaded))
} catch (error) {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
