// Native libraries embedded in the single executable cannot be loaded from its
// virtual file system: the system's loader needs real files, side by side (an
// addon finds its libraries through RUNPATH=$ORIGIN). They are written once into
// a folder named with their version and content hash; later starts check each
// file's sha256 against the embedded bytes before loading (a file that differs,
// corrupt or planted, is rewritten, never loaded).
//
// The folder: $MC_NATIVE_DIR if set, then $XDG_CACHE_HOME/mc/native (default
// ~/.cache/mc/native). When one cannot be written, fails the ownership rule of
// private-folder.ts (someone else could replace the files before they load), or
// cannot hold executable code (mounted noexec: the loader fails), the next is
// tried: a folder of this user's in the temp folder, in /dev/shm, then one
// beside the executable. Every one is checked the same way.

import { lstatSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileSha256 } from './file-sha256.ts'
import { loadRefusal } from './native-load-refusal.ts'
import { privateFolder, privateSubfolder, RefusedPath, untrustedFile } from './private-folder.ts'

export interface NativeFile {
  /** The file's name in the folder (the loader looks for this name). */
  name: string
  /** Where the bytes are: a path readable with node:fs (in the executable: /$bunfs/...). */
  source: string
  /** The bytes' sha256 (hex), taken when the executable was built: a file on disk is loaded only when it matches. */
  sha256: string
}

export interface NativeFiles {
  /** Named in messages: "onnxruntime's native files". */
  label: string
  /** The folder's own name: version and content hash (a new build never reuses an old folder). */
  folder: string
  files: NativeFile[]
}

export interface NativeCacheOptions {
  env: Readonly<Record<string, string | undefined>>
  /** The executable: the last candidate is a folder beside it. */
  execPath: string
  /** Told when a candidate was passed over or a file replaced, and where the files were written (with the time taken). */
  log: { warn(message: string): void; debug(message: string): void }
}

const ADVICE = 'set MC_NATIVE_DIR to a folder of yours (not writable by group or others) that allows executing files'

/** Where the files may go, best first. Shared folders (/tmp) get a folder of this user's own. */
function nativeFolders(env: NativeCacheOptions['env'], execPath: string): string[] {
  const cacheRoot = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache')
  const user = `mc-native-${process.getuid?.() ?? 'user'}`
  const candidates = [
    ...(env.MC_NATIVE_DIR ? [env.MC_NATIVE_DIR] : []),
    join(cacheRoot, 'mc', 'native'),
    join(env.TMPDIR || tmpdir(), user),
    ...(process.platform === 'linux' ? [join('/dev/shm', user)] : []),
    join(dirname(execPath), 'mc-native'),
  ]
  return [...new Set(candidates)]
}

/**
 * Puts the files in the first folder where `load` succeeds and returns what it returned.
 * `load` gets the folder holding all the files, every one checked (it dlopens there: a
 * noexec mount fails it). A folder that cannot be written, is refused, or cannot execute
 * is passed over; when every one is: one line with each folder's reason and what to do.
 * Any other load error is thrown as is (another folder would not help).
 */
export function withNativeFiles<T>(native: NativeFiles, load: (folder: string) => T, options: NativeCacheOptions): T {
  const started = performance.now()
  const failures: string[] = []
  for (const candidate of nativeFolders(options.env, options.execPath)) {
    let folder = join(candidate, native.folder)
    let written: boolean
    let result: T
    try {
      folder = privateSubfolder(privateFolder(candidate), native.folder)
      written = materialise(native, folder, options.log)
      result = load(folder)
    } catch (error) {
      if (error instanceof RefusedPath) {
        failures.push(error.message)
        continue
      }
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replaceAll(`${folder}/`, '')
      const refusal = isFileSystemError(error) ? message : loadRefusal(folder, message)
      if (!refusal) throw new Error(`cannot load ${native.label} from ${folder}: ${message}`)
      failures.push(`${folder}: ${refusal}`)
      continue
    }
    if (failures.length) options.log.warn(`${native.label}: using ${folder}; passed over ${failures.join('; ')}`)
    const ms = (performance.now() - started).toFixed(1)
    options.log.debug(`${native.label}: ${written ? `written to ${folder}` : `found in ${folder}`} in ${ms} ms (with sha256 checks and loading)`)
    return result
  }
  throw new Error(`cannot set up ${native.label}: ${failures.join('; ')} — ${ADVICE}`)
}

/** Makes every file in `folder` a trusted copy of the embedded one; true when it (re)wrote any. */
function materialise(native: NativeFiles, folder: string, log: NativeCacheOptions['log']): boolean {
  let written = false
  for (const file of native.files) {
    const path = join(folder, file.name)
    const wrong = differs(path, file.sha256)
    if (!wrong) continue
    if (wrong !== 'missing') log.warn(`${native.label}: replacing ${path}: ${wrong}`)
    replace(file, path)
    written = true
    const still = differs(path, file.sha256)
    if (still) throw new Error(`${path} is still not the embedded file after rewriting it: ${still}`)
  }
  return written
}

/** Why the file at `path` is not to be loaded ('missing' when it is not there), or undefined when it is the embedded file. */
function differs(path: string, expected: string): string | undefined {
  let stats
  try {
    stats = lstatSync(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing'
    throw error
  }
  const untrusted = untrustedFile(stats)
  if (untrusted) return untrusted
  return fileSha256(path) === expected ? undefined : 'its sha256 differs from the embedded file (corrupt or planted)'
}

/**
 * Writes the file under a temp name, then renames it over `path`, never writing in place:
 * another mc starting at the same moment sees the whole file or none, and a process
 * that mapped the old file keeps it.
 */
function replace(file: NativeFile, path: string): void {
  const temp = join(dirname(path), `.${file.name}.${process.pid}.${Math.random().toString(36).slice(2)}`)
  try {
    // Owner only (0700): read and mapped by the loader, written by nobody else; 'wx' never follows a link.
    writeFileSync(temp, readFileSync(file.source), { mode: 0o700, flag: 'wx' })
    renameSync(temp, path)
  } finally {
    rmSync(temp, { force: true })
  }
}

/** EACCES, EROFS, ENOSPC, ...: the folder's fault (not the loader's ERR_DLOPEN_FAILED, which says more in its message). */
function isFileSystemError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && /^E[A-Z]+$/.test(code)
}
