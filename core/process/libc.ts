// The few Linux calls Bun has no API for, made through bun:ffi. Where libc.so.6
// cannot be opened (macOS, musl), each call does nothing and returns false.

import { dlopen, FFIType, ptr } from 'bun:ffi'
import { constants } from 'node:os'

const PR_SET_PDEATHSIG = 1
const PR_SET_CHILD_SUBREAPER = 36
const WNOHANG = 1

function open() {
  if (process.platform !== 'linux') return undefined
  try {
    return dlopen('libc.so.6', {
      prctl: { args: [FFIType.i32, FFIType.u64, FFIType.u64, FFIType.u64, FFIType.u64], returns: FFIType.i32 },
      waitpid: { args: [FFIType.i32, FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
      execve: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
    }).symbols
  } catch {
    return undefined
  }
}

let libc: ReturnType<typeof open> | null = null
const calls = () => (libc ??= open())

/** Orphans among this process's descendants are re-parented to it rather than to init. */
export function setChildSubreaper(): boolean {
  return calls()?.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) === 0
}

/**
 * The kernel sends `signal` to this process when its parent dies (even by
 * SIGKILL); strictly, when the parent's thread that started it ends: mc and the
 * launcher start children from their main thread.
 */
export function setParentDeathSignal(signal: 'SIGTERM' | 'SIGKILL'): boolean {
  return calls()?.prctl(PR_SET_PDEATHSIG, constants.signals[signal], 0, 0, 0) === 0
}

/** Collects an exited child's status without blocking; true when it was a zombie child of ours. */
export function reapChild(pid: number): boolean {
  return (calls()?.waitpid(pid, null, WNOHANG) ?? 0) > 0
}

/**
 * Replaces this process with `path` run with `argv` and `env` (the same pid:
 * whoever started mc keeps waiting on it). Returns only when that failed.
 */
export function replaceProcess(path: string, argv: string[], env: Record<string, string>): void {
  const execve = calls()?.execve
  if (!execve) return
  const text = (value: string) => Buffer.from(`${value}\0`)
  const pointers = (values: string[]) => {
    const buffers = values.map(text)
    const list = new BigUint64Array(buffers.length + 1) // NULL-terminated char *[]
    buffers.forEach((buffer, i) => (list[i] = BigInt(ptr(buffer))))
    return { buffers, list }
  }
  const args = pointers(argv)
  const vars = pointers(Object.entries(env).map(([name, value]) => `${name}=${value}`))
  execve(text(path), args.list, vars.list)
  void [args.buffers, vars.buffers] // kept alive until execve has read them
}
