// Native libraries embedded in the single executable cannot be loaded from its
// virtual file system: the system's loader needs real files, side by side (an
// addon finds its libraries through RUNPATH=$ORIGIN). They are written once into
// a folder named with their version and content hash, then only checked.
//
// The folder: $MC_NATIVE_DIR if set, then $XDG_CACHE_HOME/mc/native (default
// ~/.cache/mc/native). When one cannot be written, or cannot hold executable code
// (mounted noexec: the loader fails), the next is tried: a folder of this user's
// in the temp folder, in /dev/shm, then one beside the executable.

import { lstatSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export interface NativeFile {
  /** The file's name in the folder (the loader looks for this name). */
  name: string
  /** Where the bytes are: a path readable with node:fs (in the executable: /$bunfs/...). */
  source: string
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
  /** Told when a candidate was passed over, and where the files were written (with the time taken). */
  log: { warn(message: string): void; debug(message: string): void }
}

const ADVICE = 'set MC_NATIVE_DIR to a writable folder that allows executing files'
/** The loader's words for a file system that refuses executable mappings (noexec). */
const CANNOT_EXECUTE = /failed to map segment|operation not permitted|permission denied/i

/** Where the files may go, best first. Shared folders get a folder of this user's own. */
function nativeFolders(env: NativeCacheOptions['env'], execPath: string): { path: string; shared: boolean }[] {
  const cacheRoot = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache')
  const user = `mc-native-${process.getuid?.() ?? 'user'}`
  const candidates = [
    ...(env.MC_NATIVE_DIR ? [{ path: env.MC_NATIVE_DIR, shared: false }] : []),
    { path: join(cacheRoot, 'mc', 'native'), shared: false },
    { path: join(env.TMPDIR || tmpdir(), user), shared: true },
    ...(process.platform === 'linux' ? [{ path: join('/dev/shm', user), shared: true }] : []),
    { path: join(dirname(execPath), 'mc-native'), shared: false },
  ]
  return candidates.filter((c, i) => candidates.findIndex((o) => o.path === c.path) === i)
}

/**
 * Puts the files in the first folder where `load` succeeds and returns what it returned.
 * `load` gets the folder holding all the files (it dlopens there: a noexec mount fails it).
 * A folder that cannot be written or cannot execute is passed over; when every one is:
 * one line with each folder's reason and what to do. Any other load error is thrown as is
 * (another folder would not help).
 */
export function withNativeFiles<T>(native: NativeFiles, load: (folder: string) => T, options: NativeCacheOptions): T {
  const failures: string[] = []
  for (const candidate of nativeFolders(options.env, options.execPath)) {
    const folder = join(candidate.path, native.folder)
    const started = performance.now()
    let written: boolean
    let result: T
    try {
      if (candidate.shared) ownFolder(candidate.path)
      written = materialise(native.files, folder)
      result = load(folder)
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.replaceAll(`${folder}/`, '')
      if (!isFileSystemError(error) && !CANNOT_EXECUTE.test(message)) throw new Error(`cannot load ${native.label} from ${folder}: ${message}`)
      failures.push(`${folder}: ${CANNOT_EXECUTE.test(message) ? `cannot execute files there (mounted noexec?): ${message}` : message}`)
      continue
    }
    if (failures.length) options.log.warn(`${native.label}: using ${folder}; passed over ${failures.join('; ')}`)
    const ms = (performance.now() - started).toFixed(1)
    options.log.debug(`${native.label}: ${written ? `written to ${folder}` : `found in ${folder}`} in ${ms} ms (with loading)`)
    return result
  }
  throw new Error(`cannot set up ${native.label}: ${failures.join('; ')} — ${ADVICE}`)
}

/** Writes the files that are not there yet; true when it wrote any. */
function materialise(files: NativeFile[], folder: string): boolean {
  const missing = files.filter((file) => !present(file, folder))
  if (!missing.length) return false
  mkdirSync(folder, { recursive: true })
  for (const file of missing) {
    // A temp name, then a rename: another mc starting at the same moment sees the whole file or none.
    const temp = join(folder, `.${file.name}.${process.pid}.${Math.random().toString(36).slice(2)}`)
    try {
      writeFileSync(temp, readFileSync(file.source), { mode: 0o755 })
      renameSync(temp, join(folder, file.name))
    } finally {
      rmSync(temp, { force: true })
    }
  }
  return true
}

/** The file is there, whole: its name says its content (the folder's hash), its size that it was not cut short. */
function present(file: NativeFile, folder: string): boolean {
  try {
    return statSync(join(folder, file.name)).size === statSync(file.source).size
  } catch {
    return false
  }
}

/** A folder in a shared place (/tmp): created for this user alone; someone else's is refused (they could plant a library). */
function ownFolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o700 })
  const folder = lstatSync(path)
  const uid = process.getuid?.()
  if (!folder.isDirectory()) throw Object.assign(new Error('is not a folder'), { code: 'ENOTDIR' })
  if (uid !== undefined && folder.uid !== uid) throw Object.assign(new Error(`belongs to another user (uid ${folder.uid})`), { code: 'EPERM' })
}

/** EACCES, EROFS, ENOSPC, ...: the folder's fault (not the loader's ERR_DLOPEN_FAILED, which says more in its message). */
function isFileSystemError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code
  return typeof code === 'string' && /^E[A-Z]+$/.test(code)
}
