// The command that runs this mc again in a worker mode (a model in a child
// process, say): a built mc (binary or bundle) runs itself with the worker's
// hidden first argument, which cli/main.ts dispatches; from the sources, Bun
// runs the worker's own entry file.

import { isBundle, isCompiledBinary, selfCommand } from './compiled.ts'

export function workerCommand(hiddenArg: string, sourceEntry: string): string[] {
  return isCompiledBinary() || isBundle() ? [...selfCommand(), hiddenArg] : [process.execPath, sourceEntry]
}
